"""Publicity and education (宣传教育): campaigns and their events in the villages, trainings with attendance,
media pieces, and the photos and clippings that document them.

Every row carries the org unit it belongs to, so that scoping is one prefix match on a path: an event its
village (``village__path``), a training and a media piece their ``orgunit``, an attachment the unit of what
it documents (``orgunit__path``).

"Service, not coercion": outreach informs and teaches. Attendance is recorded to credit training hours,
never to single out anyone; nothing here targets a person for enforcement.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    ROVING = "roving", _("Roving publicity")
    STALL = "stall", _("Information stall")
    PERFORMANCE = "performance", _("Performance")
    FILM = "film", _("Film screening")
    LECTURE = "lecture", _("Lecture at the population school")
    COMMEMORATIVE = "commemorative", _("Commemorative day")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Face to face")
    VEHICLE = "vehicle", _("Publicity vehicle")
    BANNERS = "banners", _("Banners and posters")
    BOARDS = "boards", _("Display boards")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker broadcast")
    STAGE = "stage", _("Stage")
    SCREEN = "screen", _("Open-air screen")
    ONLINE = "online", _("Online (WeChat groups)")


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("Leaflets")
    POSTER = "poster", _("Posters")
    BOOKLET = "booklet", _("Booklets")
    CALENDAR = "calendar", _("Calendars")
    KIT = "kit", _("Health kits")
    OTHER = "other", _("Other items")


class Audience(models.TextChoices):
    CADRES = "cadres", _("Cadres")
    VILLAGE_WORKERS = "village_workers", _("Village health workers")
    RESIDENTS = "residents", _("Residents")
    COUPLES = "couples", _("Couples planning a pregnancy")


class Outlet(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper")
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    ONLINE = "online", _("Online")


class Campaign(models.Model):
    """A publicity campaign run by a town (or the district) over a period, e.g. "Caring for girls" in March."""

    theme = models.CharField(_("theme"), max_length=200)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="outreach_campaigns"
    )
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("outreach campaign", "campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["start_date", "end_date"], name="outreach_campaign_period")]
        constraints = [
            models.CheckConstraint(condition=~Q(theme=""), name="outreach_campaign_theme_not_empty"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="outreach_campaign_period_order"),
        ]

    def __str__(self) -> str:
        return self.theme


class Event(models.Model):
    """One publicity activity of a campaign in one village on one day."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("outreach campaign", "campaign"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    date = models.DateField(_("date"))
    village = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="outreach_events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["village", "date"], name="outreach_event_village_date"),
            models.Index(fields=["date"], name="outreach_event_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="outreach_event_kind_known"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="outreach_event_channel_known"),
            models.CheckConstraint(condition=Q(people_reached__gte=0), name="outreach_event_reached_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class MaterialHandout(models.Model):
    """How many of one kind of material were handed out at an event."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("material"), max_length=16, choices=MaterialKind.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("materials handed out")
        verbose_name_plural = _("materials handed out")
        ordering = ["event_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="outreach_material_one_row_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=MaterialKind.values), name="outreach_material_kind_known"),
            models.CheckConstraint(condition=Q(count__gte=0), name="outreach_material_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.count}"


class Training(models.Model):
    """A training session held at district, town or village level (the level is that of ``orgunit``)."""

    topic = models.CharField(_("topic"), max_length=200)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="outreach_trainings"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["orgunit", "date"], name="outreach_training_unit_date"),
            models.Index(fields=["date"], name="outreach_training_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(topic=""), name="outreach_training_topic_not_empty"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="outreach_training_audience_known"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="outreach_training_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def level(self) -> str:
        return self.orgunit.level


class Attendance(models.Model):
    """Someone who attended a training: a resident from the registry or a staff member's account."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_attendances",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("training attendance", "attendance")
        verbose_name_plural = _("attendances")
        ordering = ["training_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True) | Q(person__isnull=True, user__isnull=False),
                name="outreach_attendance_person_xor_user",
            ),
            models.UniqueConstraint(
                fields=["training", "person"],
                condition=Q(person__isnull=False),
                name="outreach_attendance_person_once",
            ),
            models.UniqueConstraint(
                fields=["training", "user"], condition=Q(user__isnull=False), name="outreach_attendance_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training_id}: {self.person_id or self.user_id}"


class MediaPiece(models.Model):
    """An article, broadcast or post in the media: a newspaper column, a TV interview, a WeChat article."""

    outlet = models.CharField(_("outlet"), max_length=16, choices=Outlet.choices)
    outlet_name = models.CharField(_("outlet name"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="outreach_media"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media piece")
        verbose_name_plural = _("media pieces")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["orgunit", "date"], name="outreach_media_unit_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="outreach_media_title_not_empty"),
            models.CheckConstraint(condition=Q(outlet__in=Outlet.values), name="outreach_media_outlet_known"),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A photo of an event or a clipping of a media piece: JPEG, PNG or PDF, recognised by its first bytes.

    Stored under MEDIA_ROOT with a random name and served only through ``outreach-attachment``, which checks
    that the viewer is signed in and that ``orgunit`` lies in her scope (never as public media).
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    media_piece = models.ForeignKey(
        MediaPiece,
        verbose_name=_("media piece"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="outreach/%Y/%m/", max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, media_piece__isnull=True)
                | Q(event__isnull=True, media_piece__isnull=False),
                name="outreach_attachment_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "application/pdf"]),
                name="outreach_attachment_type_known",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
