"""Care: programmes defined as data (as DHIS2 Tracker does), the women and couples enrolled in them, the
visits and check-ups recorded for them, the near-term visits due, and village screening campaigns.

A programme has stages; each stage is due at an offset in days from an anchor date of the enrolment (last
menstrual period, check-up date, end of pregnancy, enrolment date) and stays open for a window. Due visits
are materialised only within a short horizon (``xingfu.care.schedule``), so a worklist never grows without
bound.

Everything here is health data, sensitive personal information (PIPL art. 28): it is read through
``xingfu.care.access`` and ``selectors``, shown masked in lists, and every opening of a record is audited.

What care deliberately does not hold ("service, not coercion"): contraception, sterilisation, marital
status, biometrics, or any judgement on how a pregnancy ended. An outcome is a health fact for care and
statistics; nothing follows a woman up because of it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class _Named(models.Model):
    """Programme data carries its names in both languages, as org units do."""

    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


# --- programmes as data -----------------------------------------------------------------------------------


class CareProgrammeKind(models.TextChoices):
    """What a programme does; the services know each kind's workflow (check-up, pregnancy, screening)."""

    PREPREGNANCY = "prepregnancy", _("Pre-pregnancy check-up")
    MATERNAL = "maternal", _("Antenatal and postnatal care")
    SCREENING = "screening", _("Cervical and breast cancer screening")


class CareAnchor(models.TextChoices):
    """The date of an enrolment a stage's schedule counts from."""

    ENROLMENT = "enrolment", _("Enrolment date")
    LMP = "lmp", _("Last menstrual period")
    CHECK = "check", _("Check-up date")
    OUTCOME = "outcome", _("End of pregnancy")


# The enrolment column holding each anchor date.
ANCHOR_FIELDS: dict[str, str] = {
    CareAnchor.ENROLMENT: "enrolled_on",
    CareAnchor.LMP: "lmp",
    CareAnchor.CHECK: "check_on",
    CareAnchor.OUTCOME: "outcome_on",
}


class CareStageKind(models.TextChoices):
    ANTENATAL = "antenatal", _("Antenatal visit")
    POSTNATAL = "postnatal", _("Postnatal visit")
    FOLLOWUP = "followup", _("Follow-up")
    SCREENING = "screening", _("Screening")


class Programme(_Named):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CareProgrammeKind.choices)
    description = models.TextField(_("description"), blank=True)
    # Who may be enrolled (or invited): data, so that a programme's rules are read, not hidden in code.
    eligible_sex = models.CharField(_("eligible sex"), max_length=1, blank=True, help_text=_("F, M or empty (any)."))
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("care programme")
        verbose_name_plural = _("care programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CareProgrammeKind.values), name="care_programme_kind_known"),
            # The services find "the" pregnancy programme by its kind: one active programme per kind.
            models.UniqueConstraint(fields=["kind"], condition=Q(active=True), name="care_programme_one_active_kind"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="care_programme_age_range",
            ),
        ]


class Stage(_Named):
    """One contact of a programme's schedule: due ``offset_days`` after the anchor, open ``window_days`` more.

    A repeatable stage comes round every ``repeat_interval_days`` (until ``repeat_until_days`` after the
    anchor, if set). ``stops_at_outcome``: not due once the pregnancy has ended (antenatal visits).
    ``closes_enrollment``: the enrolment ends when this stage is done or missed (the 42-day check).
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="stages"
    )
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=CareStageKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    anchor = models.CharField(_("anchor date"), max_length=10, choices=CareAnchor.choices)
    offset_days = models.PositiveIntegerField(_("due after (days)"))
    window_days = models.PositiveIntegerField(_("window (days)"))
    repeatable = models.BooleanField(_("repeatable"), default=False)
    repeat_interval_days = models.PositiveIntegerField(_("repeat every (days)"), null=True, blank=True)
    repeat_until_days = models.PositiveIntegerField(_("repeat until (days after anchor)"), null=True, blank=True)
    stops_at_outcome = models.BooleanField(_("not due after the pregnancy ends"), default=False)
    closes_enrollment = models.BooleanField(_("closes the enrolment"), default=False)

    class Meta:
        verbose_name = _("programme stage")
        verbose_name_plural = _("programme stages")
        ordering = ["programme_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="care_stage_code_unique"),
            models.CheckConstraint(condition=Q(kind__in=CareStageKind.values), name="care_stage_kind_known"),
            models.CheckConstraint(condition=Q(anchor__in=CareAnchor.values), name="care_stage_anchor_known"),
            models.CheckConstraint(
                condition=Q(repeatable=False) | Q(repeat_interval_days__gte=1), name="care_stage_repeat_has_interval"
            ),
        ]


class CheckItemKind(models.TextChoices):
    EXAM = "exam", _("Examination or history")
    LAB = "lab", _("Laboratory test")
    ASSESSMENT = "assessment", _("Risk assessment and counselling")
    FOLLOWUP = "followup", _("Follow-up")


class CheckItem(_Named):
    """One of the pre-pregnancy check-up's items (19 in the national programme)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="check_items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=40, help_text=_("Used in the analyser's export file."))
    kind = models.CharField(_("kind"), max_length=12, choices=CheckItemKind.choices)
    women_only = models.BooleanField(_("for the woman only"), default=False)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("check-up item")
        verbose_name_plural = _("check-up items")
        ordering = ["programme_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="care_checkitem_code_unique"),
            models.UniqueConstraint(fields=["programme", "number"], name="care_checkitem_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=CheckItemKind.values), name="care_checkitem_kind_known"),
        ]

    @property
    def recorded_item_by_item(self) -> bool:
        return self.kind in (CheckItemKind.EXAM, CheckItemKind.LAB)


# --- enrolments -------------------------------------------------------------------------------------------


class EnrollmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CareOutcome(models.TextChoices):
    """How a pregnancy ended: a health fact, recorded the same way whatever it is."""

    LIVE_BIRTH = "live_birth", _("Live birth")
    STILLBIRTH = "stillbirth", _("Stillbirth")
    MISCARRIAGE = "miscarriage", _("Miscarriage")
    TERMINATION = "termination", _("Termination")


class RiskColour(models.TextChoices):
    """The five-colour pregnancy risk grading (2017). Purple (infectious disease) combines with another colour."""

    GREEN = "green", _("Green (low risk)")
    YELLOW = "yellow", _("Yellow (general risk)")
    ORANGE = "orange", _("Orange (higher risk)")
    RED = "red", _("Red (high risk)")
    PURPLE = "purple", _("Purple (infectious disease)")


# The four colours that rank; purple is stored as ``infectious`` beside one of them.
GRADED_COLOURS = (RiskColour.GREEN, RiskColour.YELLOW, RiskColour.ORANGE, RiskColour.RED)
COLOUR_RANK: dict[str, int] = {c.value: i for i, c in enumerate(GRADED_COLOURS)}


class Enrollment(models.Model):
    """A woman's (or, for a check-up, a couple's) enrolment in a programme: a pregnancy, a check-up.

    ``orgunit`` is her village when enrolled, kept in step with the registry by ``care_schedule``, so that
    scoping is one prefix match. ``risk_colour``/``infectious`` are the current grade: the latest assessment.
    """

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("woman"), on_delete=models.PROTECT, related_name="care_enrollments"
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible health worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_enrollments",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=EnrollmentStatus.choices, default=EnrollmentStatus.OPEN
    )
    enrolled_on = models.DateField(_("enrolled on"))
    lmp = models.DateField(_("last menstrual period"), null=True, blank=True)
    check_on = models.DateField(_("checked on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CareOutcome.choices, blank=True)
    outcome_on = models.DateField(_("pregnancy ended on"), null=True, blank=True)
    outcome_place = models.CharField(_("place"), max_length=200, blank=True)
    children = models.ManyToManyField("registry.Person", verbose_name=_("children born"), blank=True, related_name="+")
    risk_colour = models.CharField(_("risk colour"), max_length=8, choices=RiskColour.choices, blank=True)
    infectious = models.BooleanField(_("infectious disease (purple)"), default=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on", "-id"]
        indexes = [
            models.Index(fields=["responsible", "status"], name="care_enrol_responsible"),
            models.Index(fields=["orgunit", "status"], name="care_enrol_orgunit"),
            models.Index(fields=["person", "status"], name="care_enrol_person"),
        ]
        constraints = [
            # One ongoing pregnancy (or pending check-up) per woman and programme.
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(status="open", outcome=""),
                name="care_one_ongoing_enrollment",
            ),
            models.CheckConstraint(condition=Q(status__in=EnrollmentStatus.values), name="care_enrol_status_known"),
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | (Q(outcome__in=CareOutcome.values) & Q(outcome_on__isnull=False)),
                name="care_enrol_outcome_has_date",
            ),
            models.CheckConstraint(
                condition=Q(risk_colour="") | Q(risk_colour__in=[c.value for c in GRADED_COLOURS]),
                name="care_enrol_colour_graded",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(status="closed"), name="care_enrol_closed_on_iff_closed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.person_id}"

    @property
    def case_managed(self) -> bool:
        """Yellow and above, or purple: case management and referral (care.md)."""
        return bool(self.risk_colour and self.risk_colour != RiskColour.GREEN) or self.infectious

    @property
    def ongoing(self) -> bool:
        return self.status == EnrollmentStatus.OPEN and not self.outcome


class CheckPopulation(models.TextChoices):
    GENERAL = "general", _("General population")
    HIGH_RISK = "high_risk", _("High risk")


class CheckConclusion(models.TextChoices):
    NO_RISK = "no_risk", _("No risk found")
    ONE_PARTNER = "one_partner", _("Only one partner examined")
    RISK_FOUND = "risk_found", _("Risk found: further consultation")


RISK_CLASSES = "ABCDX"


class CheckUp(models.Model):
    """A couple's pre-pregnancy check-up: booked, then examined item by item, then assessed and counselled.

    ``risk_classes`` holds the letters of the risk classes found (A avoidable, B benefits from intervention,
    C controllable, D diagnosable prenatally, X pregnancy not advisable), e.g. ``"BC"``.
    """

    enrollment = models.OneToOneField(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="checkup"
    )
    partner = models.ForeignKey(
        "registry.Person", verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booked_for = models.DateField(_("appointment"))
    population = models.CharField(_("population"), max_length=10, choices=CheckPopulation.choices, blank=True)
    risk_classes = models.CharField(_("risk classes"), max_length=5, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=CheckConclusion.choices, blank=True)
    counselling = models.TextField(_("counselling given"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pre-pregnancy check-up")
        verbose_name_plural = _("pre-pregnancy check-ups")
        ordering = ["-booked_for", "-id"]

    def __str__(self) -> str:
        return f"C{self.pk}"

    @property
    def sample_prefix(self) -> str:
        """The check-up's sample label on the analyser: ``C<id>-F`` (the woman) or ``C<id>-M`` (her partner)."""
        return f"C{self.pk}"


class ResultSource(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    ANALYSER = "analyser", _("Imported from the analyser")


class CheckResult(models.Model):
    """One item's result for one partner of a check-up (item 5 for the woman, item 9 for her partner …)."""

    checkup = models.ForeignKey(CheckUp, verbose_name=_("check-up"), on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey("registry.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(CheckItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("result"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    measured_on = models.DateField(_("measured on"))
    source = models.CharField(_("source"), max_length=10, choices=ResultSource.choices, default=ResultSource.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("check-up result")
        verbose_name_plural = _("check-up results")
        ordering = ["checkup_id", "item__number", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkup", "person", "item"], name="care_result_one_per_item"),
            models.CheckConstraint(condition=~Q(value=""), name="care_result_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.person_id}"


# --- visits and what is due -------------------------------------------------------------------------------


class Visit(models.Model):
    """A contact with the woman: a scheduled visit, a follow-up, or an unscheduled one. The grade assessed
    at the visit (if any) is ``risk_colour`` + ``infectious``; ``referral_to`` says where she was referred."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="visits"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    findings = models.TextField(_("findings"), blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    bp_systolic = models.PositiveSmallIntegerField(_("blood pressure, systolic"), null=True, blank=True)
    bp_diastolic = models.PositiveSmallIntegerField(_("blood pressure, diastolic"), null=True, blank=True)
    risk_colour = models.CharField(_("risk colour"), max_length=8, choices=RiskColour.choices, blank=True)
    infectious = models.BooleanField(_("infectious disease (purple)"), default=False)
    referral_to = models.CharField(_("referred to"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["enrollment_id", "date", "id"]
        indexes = [models.Index(fields=["enrollment", "date"], name="care_visit_enrollment_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_colour="") | Q(risk_colour__in=[c.value for c in GRADED_COLOURS]),
                name="care_visit_colour_graded",
            ),
            models.CheckConstraint(
                condition=Q(infectious=False) | ~Q(risk_colour=""), name="care_visit_purple_with_colour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.date}"

    @property
    def graded(self) -> bool:
        return bool(self.risk_colour)


class CareDueKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled visit")
    REFERRAL = "referral", _("Referral follow-up")


class CareDueStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("No longer due")


class DueVisit(models.Model):
    """A visit that is due, materialised only within the scheduling horizon: the rows of worklists.

    Open from ``due_on`` to ``due_by``; overdue after ``due_by``; ``missed`` once long overdue, so worklists
    stay bounded. A referral follow-up is due within two weeks of the visit that referred (``referral``).
    """

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="due_visits"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CareDueKind.choices, default=CareDueKind.SCHEDULED)
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurrence = models.PositiveSmallIntegerField(_("occurrence"), default=1)
    referral = models.OneToOneField(
        Visit,
        verbose_name=_("referring visit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="referral_followup",
    )
    due_on = models.DateField(_("due from"))
    due_by = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=CareDueStatus.choices, default=CareDueStatus.DUE)
    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="fulfils"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("due visit")
        verbose_name_plural = _("due visits")
        ordering = ["due_by", "id"]
        indexes = [
            models.Index(fields=["enrollment", "status"], name="care_due_enrollment_status"),
            models.Index(fields=["status", "due_by"], name="care_due_status_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "stage", "occurrence"],
                condition=Q(stage__isnull=False),
                name="care_due_one_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(kind="scheduled", stage__isnull=False, referral__isnull=True)
                | Q(kind="referral", stage__isnull=True, referral__isnull=False),
                name="care_due_kind_matches",
            ),
            models.CheckConstraint(condition=Q(due_by__gte=F("due_on")), name="care_due_window_forward"),
            models.CheckConstraint(condition=Q(status__in=CareDueStatus.values), name="care_due_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.stage_id or self.kind} {self.due_on}"


# --- screening campaigns ----------------------------------------------------------------------------------


class ScreeningCampaign(models.Model):
    """A screening campaign in one village on set dates; invitations come from the registry."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["village", "starts_on"], name="care_campaign_village")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="care_campaign_dates_forward"),
            models.CheckConstraint(condition=~Q(name=""), name="care_campaign_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ATTENDED = "attended", _("Attended")


class Invitation(models.Model):
    """A woman on a campaign's list; attendance is recorded by checking her resident-ID number (no biometrics)."""

    campaign = models.ForeignKey(
        ScreeningCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey("registry.Person", verbose_name=_("woman"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    walk_in = models.BooleanField(_("came without an invitation"), default=False)
    attended_on = models.DateField(_("attended on"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["campaign_id", "id"]
        indexes = [models.Index(fields=["person", "status", "attended_on"], name="care_invitation_person")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="care_invitation_once"),
            models.CheckConstraint(
                condition=Q(status="invited", attended_on__isnull=True)
                | Q(status="attended", attended_on__isnull=False),
                name="care_invitation_attended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_id}"


class CervicalResult(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal: colposcopy")
    NOT_DONE = "not_done", _("Not done")


class BreastResult(models.TextChoices):
    """Clinical examination and ultrasound, as a BI-RADS category."""

    BIRADS_1_2 = "birads_1_2", _("BI-RADS 1–2 (normal or benign)")
    BIRADS_0_3 = "birads_0_3", _("BI-RADS 0 or 3: mammography")
    BIRADS_4_5 = "birads_4_5", _("BI-RADS 4–5: pathology")
    NOT_DONE = "not_done", _("Not done")


class ScreeningResult(models.Model):
    invitation = models.OneToOneField(
        Invitation, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="result"
    )
    cervical = models.CharField(_("cervical screening"), max_length=10, choices=CervicalResult.choices)
    breast = models.CharField(_("breast screening"), max_length=12, choices=BreastResult.choices)
    referral_to = models.CharField(_("referred to"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        constraints = [
            models.CheckConstraint(
                condition=Q(cervical__in=CervicalResult.values), name="care_screening_cervical_known"
            ),
            models.CheckConstraint(condition=Q(breast__in=BreastResult.values), name="care_screening_breast_known"),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}"

    @property
    def abnormal(self) -> bool:
        return self.cervical == CervicalResult.ABNORMAL or self.breast in (
            BreastResult.BIRADS_0_3,
            BreastResult.BIRADS_4_5,
        )
