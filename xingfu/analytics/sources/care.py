"""Sources over the care module's records (pregnancies, pre-pregnancy check-ups, screening, due visits).

Care exposes no set-based selector for indicators, so these are written here, read-only, from its models.
Models are looked up lazily (``apps.get_model``): while the care module's tables or fields are not there, the
sources report themselves "not available" (``Source.unavailable_reason``) instead of failing a refresh.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xingfu.analytics.sources.base import COUNT, Field, Measure, QuerySetSource

# Gestational day 90 is 12 weeks 6 days: the last day "before 13 weeks".
FIRST_VISIT_LAST_DAY = 90
OUTCOMES = ("live_birth", "stillbirth", "miscarriage", "termination")
COLOURS = ("green", "yellow", "orange", "red")


def _model(name: str) -> Any:
    return apps.get_model("care", name)


def _enrolments(kind: str) -> QuerySet[Any]:
    return _model("Enrollment").objects.filter(programme__kind=kind)


def _pregnancies() -> QuerySet[Any]:
    return _enrolments("maternal").exclude(outcome="")


def _visits_count(condition: Q) -> Callable[[], Any]:
    def build() -> Any:
        visits = (
            _model("Visit")
            .objects.filter(condition, enrollment=OuterRef("pk"))
            .order_by()
            .values("enrollment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(visits, output_field=IntegerField()), Value(0))

    return build


def _early_first_visit() -> Any:
    # Written "on or before day 90" rather than "before day 91": SQLite compares the sum as text with a time part.
    last_day = ExpressionWrapper(OuterRef("lmp") + dt.timedelta(days=FIRST_VISIT_LAST_DAY), output_field=DateField())
    early = _model("Visit").objects.filter(enrollment=OuterRef("pk"), date__lte=last_day)
    return ExpressionWrapper(Q(lmp__isnull=False) & Q(Exists(early)), output_field=BooleanField())


def _checked_before() -> Any:
    checkups = _enrolments("prepregnancy").filter(
        person=OuterRef("person"),
        check_on__isnull=False,
        check_on__lte=Coalesce(OuterRef("lmp"), OuterRef("enrolled_on")),
    )
    return Exists(checkups)


pregnancies = QuerySetSource(
    code="pregnancies",
    label=_("Pregnancies (ended)"),
    description=_(
        "Pregnancies followed by the antenatal-care programme, by the woman's village and the day the pregnancy "
        "ended; with her first visit, the number of antenatal and postnatal contacts and any earlier pre-pregnancy "
        "check-up."
    ),
    app_label="care",
    queryset=_pregnancies,
    date_field="outcome_on",
    village_field="orgunit_id",
    fields={
        "outcome": Field("outcome", _("outcome"), "str", choices=OUTCOMES),
        "first_visit_before_13_weeks": Field(
            "first_visit_before_13_weeks", _("first visit before 13 weeks"), "bool", expr=_early_first_visit
        ),
        "antenatal_visits": Field(
            "antenatal_visits",
            _("antenatal contacts"),
            "int",
            expr=_visits_count(Q(date__lt=OuterRef("outcome_on"))),
        ),
        "postnatal_visits": Field(
            "postnatal_visits",
            _("postnatal contacts"),
            "int",
            expr=_visits_count(Q(date__gt=OuterRef("outcome_on"))),
        ),
        "checked_before": Field(
            "checked_before", _("had a pre-pregnancy check-up before"), "bool", expr=_checked_before
        ),
        "risk_colour": Field("risk_colour", _("risk colour"), "str", choices=COLOURS),
    },
    share_only=True,
    watches=[("care.Enrollment", "updated_at"), ("care.Visit", None)],
    required_fields=[("care.Enrollment", "outcome_on"), ("care.Enrollment", "lmp"), ("care.Visit", "date")],
)

checkups = QuerySetSource(
    code="checkups",
    label=_("Pre-pregnancy check-ups"),
    description=_("Couples examined in the free pre-pregnancy check-up, by village and the day of the examination."),
    app_label="care",
    queryset=lambda: _enrolments("prepregnancy").filter(check_on__isnull=False),
    date_field="check_on",
    village_field="orgunit_id",
    fields={
        "population": Field(
            "population", _("population"), "str", lookup="checkup__population", choices=("general", "high_risk")
        ),
        "risk_found": Field(
            "risk_found",
            _("risk found"),
            "bool",
            expr=lambda: ExpressionWrapper(Q(checkup__conclusion="risk_found"), output_field=BooleanField()),
        ),
    },
    watches=[("care.Enrollment", "updated_at"), ("care.CheckUp", None)],
    required_fields=[("care.Enrollment", "check_on"), ("care.CheckUp", "population"), ("care.CheckUp", "conclusion")],
)

screenings = QuerySetSource(
    code="screenings",
    label=_("Cervical and breast screening attendances"),
    description=_("Women who came to a village screening campaign, by the campaign's village and the day they came."),
    app_label="care",
    queryset=lambda: _model("Invitation").objects.filter(status="attended"),
    date_field="attended_on",
    village_field="campaign__village_id",
    fields={
        "walk_in": Field("walk_in", _("came without an invitation"), "bool"),
    },
    measures={"count": COUNT, "women": Measure("women", _("women (each once)"), how="distinct", path="person_id")},
    watches=[("care.Invitation", None)],
    required_fields=[("care.Invitation", "attended_on"), ("care.ScreeningCampaign", "village")],
)

due_visits = QuerySetSource(
    code="due_visits",
    label=_("Visits due"),
    description=_("Scheduled visits by the last day they were due, with whether they were done by then."),
    app_label="care",
    queryset=lambda: _model("DueVisit").objects.exclude(status="cancelled"),
    date_field="due_by",
    village_field="enrollment__orgunit_id",
    fields={
        "status": Field("status", _("status"), "str", choices=("due", "done", "missed")),
        "done_on_time": Field(
            "done_on_time",
            _("done by the day it was due"),
            "bool",
            expr=lambda: ExpressionWrapper(
                Q(visit__isnull=False) & Q(visit__date__lte=F("due_by")), output_field=BooleanField()
            ),
        ),
    },
    watches=[("care.DueVisit", None), ("care.Visit", None)],
    required_fields=[("care.DueVisit", "due_by"), ("care.DueVisit", "visit")],
)

SOURCES = [pregnancies, checkups, screenings, due_visits]
