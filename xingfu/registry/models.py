"""The population registry: households, the persons in them, and the life events that change them.

Every row carries the village it belongs to (``orgunit``) so that scoping is one prefix match on the
village's path (``orgunit__path``, see ``xingfu.accounts.access.scoped``), never a walk through households.

What the registry deliberately does not hold ("service, not coercion"): contraception, sterilisation,
judgements on a birth (in or out of wedlock, "over quota") or biometrics. A birth is a birth.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Residence(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DEAD = "dead", _("Deceased")
    MOVED_OUT = "moved_out", _("Moved out")
    # Registered twice: this record was merged into another (``Person.merged_into``) and is kept as history.
    MERGED = "merged", _("Merged into another record")


class DisabilityGrade(models.IntegerChoices):
    """The grade on a disability certificate (残疾人证), 1 the most severe."""

    GRADE_1 = 1, _("Grade 1")
    GRADE_2 = 2, _("Grade 2")
    GRADE_3 = 3, _("Grade 3")
    GRADE_4 = 4, _("Grade 4")


class Relation(models.TextChoices):
    """A member's relation to the head of the household."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    MARRIAGE = "marriage", _("Marriage")
    # Ends the marriage between ``person`` and ``other_person`` (a widowing needs no event: the death ends it).
    DIVORCE = "divorce", _("Divorce")
    BIRTH = "birth", _("Birth")
    # Adoption makes someone a parent as a birth does; benefits count adopted children with own ones.
    ADOPTION = "adoption", _("Adoption")
    DEATH = "death", _("Death")
    MOVE_IN = "move_in", _("Move in")
    MOVE_OUT = "move_out", _("Move out")


# Events that make ``mother``/``father`` the parents of ``child``.
PARENTAGE_KINDS = (EventKind.BIRTH, EventKind.ADOPTION)


class Household(models.Model):
    """A registered household (户) in one village."""

    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("household number"), max_length=32)
    address = models.CharField(_("address"), max_length=200, blank=True)
    residence = models.CharField(_("residence"), max_length=8, choices=Residence.choices)
    registered_on = models.DateField(_("registered on"))
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["orgunit_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["orgunit", "number"], name="household_number_unique_in_village"),
            models.CheckConstraint(condition=~Q(number=""), name="household_number_not_empty"),
            models.CheckConstraint(condition=Q(residence__in=Residence.values), name="household_residence_known"),
        ]

    def __str__(self) -> str:
        return self.number


class Person(models.Model):
    """A resident. ``orgunit`` is the village of the person's current (or last) household, kept here so
    that every person list is scoped without a join through memberships."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # "zhang wei" and "zw": computed by the services with pypinyin, for search by Latin letters.
    pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, editable=False)
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    # Null (not "") for a newborn without a number yet, so that uniqueness ignores the missing ones.
    id_number = models.CharField(_("resident ID number"), max_length=18, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ALIVE)
    death_date = models.DateField(_("death date"), null=True, blank=True)
    # From the disability certificate; the special-assistance programme's disabled-child branch reads it.
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    # Set only by a reviewed merge of duplicate records; the survivor carries the person from then on.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    # No index of its own: the list-order and status indexes both begin with it (one index less to write on
    # every import).
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="persons",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["orgunit_id", "pinyin", "id"]
        indexes = [
            models.Index(fields=["orgunit", "status"], name="person_orgunit_status"),
            # The lists' order, so a page of a large scope is read off the index rather than sorted. On
            # PostgreSQL it also carries pinyin_initials and status (migration 0007), for broad searches.
            models.Index(fields=["orgunit", "pinyin", "id"], name="person_list_order"),
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # Search (``selectors.person_search``) is served on PostgreSQL by indexes this list cannot declare,
            # since SQLite has no equivalent: trigrams over name, initials and pinyin, reverse(id_number) for
            # ID tails, long names. Migration 0006 creates them.
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_known"),
            models.CheckConstraint(condition=Q(status__in=PersonStatus.values), name="person_status_known"),
            models.CheckConstraint(
                condition=Q(id_number__isnull=True) | Q(Exact(Length("id_number"), 18)),
                name="person_id_number_18_chars",
            ),
            # A death date exactly when the person is recorded dead, and never before the birth. A merged-away
            # record keeps whatever it had, as history.
            models.CheckConstraint(
                condition=Q(status=PersonStatus.DEAD, death_date__isnull=False)
                | Q(status=PersonStatus.MERGED)
                | (~Q(status=PersonStatus.DEAD) & Q(death_date__isnull=True)),
                name="person_death_date_iff_dead",
            ),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=F("birth_date")),
                name="person_death_not_before_birth",
            ),
            models.CheckConstraint(
                condition=Q(status=PersonStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=PersonStatus.MERGED) & Q(merged_into__isnull=True)),
                name="person_merged_into_iff_merged",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True) | Q(disability_grade__in=DisabilityGrade.values),
                name="person_disability_grade_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's belonging to a household over a period; the open one (no end date) is the current one."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField(_("relation to head"), max_length=8, choices=Relation.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household membership")
        verbose_name_plural = _("household memberships")
        ordering = ["household_id", "start_date", "id"]
        indexes = [models.Index(fields=["household", "end_date"], name="membership_household_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="membership_one_open_per_person"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end_date__isnull=True, relation="head"),
                name="membership_one_open_head_per_household",
            ),
            models.CheckConstraint(condition=Q(relation__in=Relation.values), name="membership_relation_known"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class LifeEvent(models.Model):
    """Something that happened to a person, as recorded (insert-only; corrections are new events).

    ``person`` is whom the event is about: the married person (``other_person`` the spouse; one event per
    couple), the child born or adopted (also in ``child``, with ``mother``/``father``), the deceased, the
    person moving. ``household`` is the household joined (birth, adoption, move in) or left (move out).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    date = models.DateField(_("date"))
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="events")
    other_person = models.ForeignKey(
        Person,
        verbose_name=_("spouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events_as_other",
    )
    mother = models.ForeignKey(
        Person, verbose_name=_("mother"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    father = models.ForeignKey(
        Person, verbose_name=_("father"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        Person, verbose_name=_("child"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sex = models.CharField(_("sex of the child"), max_length=1, choices=Sex.choices, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # The child's rank among the mother's live births (1 = first), kept right by birth_record.
    birth_order = models.PositiveSmallIntegerField(_("birth order"), null=True, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="life_events"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["orgunit", "date"], name="lifeevent_orgunit_date"),
            models.Index(fields=["person", "kind"], name="lifeevent_person_kind"),
            models.Index(fields=["mother", "kind"], name="lifeevent_mother_kind"),
            models.Index(fields=["father", "kind"], name="lifeevent_father_kind"),
            models.Index(fields=["child", "kind"], name="lifeevent_child_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="lifeevent_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.MARRIAGE) | (Q(other_person__isnull=False) & ~Q(other_person=F("person"))),
                name="lifeevent_marriage_has_spouse",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=PARENTAGE_KINDS) | Q(child=F("person")),
                name="lifeevent_parentage_child_is_person",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.BIRTH) | Q(mother__isnull=False, birth_order__gte=1),
                name="lifeevent_birth_has_mother_and_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind=EventKind.ADOPTION) | Q(mother__isnull=False) | Q(father__isnull=False),
                name="lifeevent_adoption_has_parent",
            ),
            # One birth event per child.
            models.UniqueConstraint(
                fields=["child"], condition=Q(kind=EventKind.BIRTH), name="lifeevent_one_birth_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


from xingfu.registry.models_imports import ImportBatch  # noqa: E402,F401
