"""API shapes of care records. Lists carry no health findings (who, where, when, which programme); a record's
full shape is returned only by the reads that audit the opening. Enumerations are named components
(``RiskColour``, ``CareStageKind`` …) so that they never collide with other apps' ``kind`` or ``status``."""

import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xingfu.care.models import (
    GRADED_COLOURS,
    BreastResult,
    CareAnchor,
    CareDueKind,
    CareOutcome,
    CareProgrammeKind,
    CareStageKind,
    CervicalResult,
    CheckConclusion,
    CheckItem,
    CheckItemKind,
    CheckPopulation,
    CheckUp,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    InvitationStatus,
    Programme,
    RiskColour,
    ScreeningCampaign,
    ScreeningResult,
    Stage,
    Visit,
)
from xingfu.care.schedule import expected_delivery, gestation, lateness_days
from xingfu.core.masking import mask_id_number

MAX_ID = 2**63 - 1
ORGUNIT_CODE = r"^\d{6,12}$"

_ENUMS: dict[str, type[serializers.ChoiceField]] = {}


def enum(component: str, choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented as the named enumeration ``component`` (one schema component per name)."""
    field_class = _ENUMS.get(component)
    if field_class is None:
        values = [value for value, _label in choices]
        field_class = extend_schema_field({"type": "string", "enum": values}, component_name=component)(
            type(component + "Field", (serializers.ChoiceField,), {})
        )
        _ENUMS[component] = field_class
    return field_class(choices=choices, **kwargs)


def ref(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text, **kwargs)


# --- programmes -------------------------------------------------------------------------------------------


class CareStageSerializer(serializers.ModelSerializer[Stage]):
    name = serializers.CharField(read_only=True)
    kind = enum("CareStageKind", CareStageKind.choices, read_only=True)
    anchor = enum("CareAnchor", CareAnchor.choices, read_only=True)

    class Meta:
        model = Stage
        fields = [
            "id", "code", "name", "kind", "order", "anchor", "offset_days", "window_days", "repeatable",
            "repeat_interval_days", "repeat_until_days", "stops_at_outcome", "closes_enrollment",
        ]  # fmt: skip
        read_only_fields = fields


class CareCheckItemSerializer(serializers.ModelSerializer[CheckItem]):
    name = serializers.CharField(read_only=True)
    kind = enum("CareCheckItemKind", CheckItemKind.choices, read_only=True)

    class Meta:
        model = CheckItem
        fields = ["number", "code", "name", "kind", "women_only", "unit"]
        read_only_fields = fields


class CareProgrammeSerializer(serializers.ModelSerializer[Programme]):
    name = serializers.CharField(read_only=True)
    kind = enum("CareProgrammeKind", CareProgrammeKind.choices, read_only=True)
    stages = CareStageSerializer(many=True, read_only=True)
    check_items = CareCheckItemSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "code", "kind", "name", "description", "eligible_sex", "min_age", "max_age", "active", "stages",
            "check_items",
        ]  # fmt: skip
        read_only_fields = fields


# --- shared pieces ----------------------------------------------------------------------------------------


class CarePersonSerializer(serializers.Serializer[Any]):
    """A woman or partner as lists show her: name and a masked resident-ID number."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="Masked (first 6 and last 4 characters).")

    def get_id_number(self, person: Any) -> str | None:
        return mask_id_number(person.id_number) or None


class CareGradeSerializer(serializers.Serializer[Any]):
    """A five-colour grade: the highest colour found, with purple (infectious disease) combined."""

    colour = enum("CareGradeColour", [(c.value, c.label) for c in GRADED_COLOURS])
    infectious = serializers.BooleanField(help_text="Purple: an infectious disease, combined with the colour.")
    case_managed = serializers.BooleanField(help_text="Yellow and above, or purple: case management and referral.")


def grade_data(colour: str, infectious: bool) -> dict[str, Any] | None:
    if not colour:
        return None
    return {"colour": colour, "infectious": infectious, "case_managed": colour != "green" or infectious}


# --- enrolments -------------------------------------------------------------------------------------------


class CareEnrollmentListSerializer(serializers.ModelSerializer[Enrollment]):
    """An enrolment in a list: no grade, no findings, no outcome."""

    programme: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    programme_kind = enum("CareProgrammeKind", CareProgrammeKind.choices, source="programme.kind", read_only=True)
    person = CarePersonSerializer(read_only=True)
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enrollment_status = enum("CareEnrollmentStatus", EnrollmentStatus.choices, source="status", read_only=True)
    responsible: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id", "programme", "programme_kind", "person", "orgunit", "enrollment_status", "enrolled_on", "responsible",
        ]  # fmt: skip
        read_only_fields = fields


class CareVisitSerializer(serializers.ModelSerializer[Visit]):
    """A visit in full (health data): returned to whoever recorded it and by the audited reads."""

    stage: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    grade = serializers.SerializerMethodField()
    recorded_by: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Visit
        fields = [
            "id", "enrollment", "stage", "date", "findings", "weight_kg", "bp_systolic", "bp_diastolic", "grade",
            "referral_to", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CareGradeSerializer(allow_null=True))
    def get_grade(self, visit: Visit) -> dict[str, Any] | None:
        return grade_data(visit.risk_colour, visit.infectious)


class CareVisitListSerializer(serializers.ModelSerializer[Visit]):
    """A visit in a list: when, which contact, by whom; no findings, no grade."""

    stage: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    person = serializers.CharField(source="enrollment.person.name", read_only=True)
    recorded_by: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Visit
        fields = ["id", "enrollment", "person", "stage", "date", "recorded_by"]
        read_only_fields = fields


class CareDueSerializer(serializers.ModelSerializer[DueVisit]):
    due_kind = enum("CareDueKind", CareDueKind.choices, source="kind", read_only=True)
    stage: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = DueVisit
        fields = ["id", "due_kind", "stage", "occurrence", "due_on", "due_by"]
        read_only_fields = fields


class CareEnrollmentSerializer(CareEnrollmentListSerializer):
    """An opened enrolment (audited): dates, grade, outcome, visits and what is due."""

    expected_delivery = serializers.SerializerMethodField()
    gestation_weeks = serializers.SerializerMethodField(help_text="Completed weeks today (ongoing pregnancy).")
    grade = serializers.SerializerMethodField()
    outcome = serializers.CharField(read_only=True, help_text="live_birth, stillbirth, miscarriage, termination or ''.")
    children: "serializers.PrimaryKeyRelatedField[Any]" = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    visits = CareVisitSerializer(many=True, read_only=True)
    due = serializers.SerializerMethodField()

    class Meta(CareEnrollmentListSerializer.Meta):
        fields = [
            *CareEnrollmentListSerializer.Meta.fields,
            "lmp", "expected_delivery", "gestation_weeks", "check_on", "grade", "outcome", "outcome_on",
            "outcome_place", "children", "closed_on", "close_reason", "visits", "due",
        ]  # fmt: skip
        read_only_fields = fields

    def get_expected_delivery(self, enrollment: Enrollment) -> datetime.date | None:
        return expected_delivery(enrollment.lmp) if enrollment.lmp else None

    def get_gestation_weeks(self, enrollment: Enrollment) -> int | None:
        if not enrollment.lmp or not enrollment.ongoing:
            return None
        return gestation(enrollment.lmp, timezone.localdate())[0]

    @extend_schema_field(CareGradeSerializer(allow_null=True))
    def get_grade(self, enrollment: Enrollment) -> dict[str, Any] | None:
        return grade_data(enrollment.risk_colour, enrollment.infectious)

    @extend_schema_field(CareDueSerializer(many=True))
    def get_due(self, enrollment: Enrollment) -> Any:
        due = enrollment.due_visits.filter(status="due").select_related("stage").order_by("due_by")
        return CareDueSerializer(due, many=True).data


class CarePregnancyInputSerializer(serializers.Serializer[Any]):
    person = ref("The woman (a registry person in your scope).")
    lmp = serializers.DateField(help_text="First day of the last menstrual period.")
    enrolled_on = serializers.DateField(required=False, allow_null=True, help_text="Default today.")
    responsible = ref("The responsible health worker (a user); default you, if you work in a village.", required=False)


class CareChildInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    sex = enum("CareChildSex", [("F", "Female"), ("M", "Male")])
    id_number = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")


class CareOutcomeInputSerializer(serializers.Serializer[Any]):
    outcome = enum("CareOutcome", CareOutcome.choices)
    date = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    father = ref("The father (a registry person), if recorded.", required=False, allow_null=True)
    children = CareChildInputSerializer(many=True, required=False, help_text="For a live birth: each child born.")


class CareResponsibleInputSerializer(serializers.Serializer[Any]):
    worker = ref("The health worker (a user in your scope); null for nobody.", allow_null=True)


class CareCloseInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200)


class CareVisitInputSerializer(serializers.Serializer[Any]):
    enrollment = ref("The enrolment visited.")
    date = serializers.DateField()
    due = ref("The due visit this fulfils (from the worklist).", required=False, allow_null=True)
    stage = serializers.SlugField(max_length=40, required=False, allow_blank=True, help_text="Stage code.")
    findings = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    colours = serializers.ListField(
        child=enum("RiskColour", RiskColour.choices),
        required=False,
        max_length=10,
        help_text="Colours of the risk factors found; the grade is the highest, purple combined.",
    )
    weight_kg = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    bp_systolic = serializers.IntegerField(min_value=0, max_value=400, required=False, allow_null=True)
    bp_diastolic = serializers.IntegerField(min_value=0, max_value=400, required=False, allow_null=True)
    referral_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- worklists --------------------------------------------------------------------------------------------


class CareWorklistItemSerializer(serializers.ModelSerializer[DueVisit]):
    """A due visit on the responsible worker's own worklist. The grade is shown because the list is ordered
    by it and she acts on it; no findings are."""

    due_kind = enum("CareDueKind", CareDueKind.choices, source="kind", read_only=True)
    stage: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    stage_name = serializers.SerializerMethodField()
    days_late = serializers.SerializerMethodField(help_text="Days past the window; negative: days left.")
    enrollment = serializers.IntegerField(source="enrollment_id", read_only=True)
    person = CarePersonSerializer(source="enrollment.person", read_only=True)
    village = serializers.CharField(source="enrollment.orgunit.name", read_only=True)
    grade = serializers.SerializerMethodField()

    class Meta:
        model = DueVisit
        fields = [
            "id", "due_kind", "stage", "stage_name", "due_on", "due_by", "days_late", "enrollment", "person",
            "village", "grade",
        ]  # fmt: skip
        read_only_fields = fields

    def get_stage_name(self, item: DueVisit) -> str:
        return item.stage.name if item.stage else str(CareDueKind.REFERRAL.label)

    def get_days_late(self, item: DueVisit) -> int:
        return lateness_days(item.due_by, self.context.get("today") or timezone.localdate())

    @extend_schema_field(CareGradeSerializer(allow_null=True))
    def get_grade(self, item: DueVisit) -> dict[str, Any] | None:
        return grade_data(item.enrollment.risk_colour, item.enrollment.infectious)


class CareVillageCountsSerializer(serializers.Serializer[Any]):
    village = serializers.CharField(source="village.code")
    name = serializers.CharField(source="village.name")
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField(help_text="Due within four weeks, not yet overdue.")
    unassigned = serializers.IntegerField(help_text="Due visits of enrolments with no responsible worker.")
    open_enrollments = serializers.IntegerField()


# --- check-ups --------------------------------------------------------------------------------------------


class CareCheckUpListSerializer(serializers.ModelSerializer[CheckUp]):
    woman = CarePersonSerializer(source="enrollment.person", read_only=True)
    partner = CarePersonSerializer(read_only=True, allow_null=True)
    orgunit = serializers.CharField(source="enrollment.orgunit.code", read_only=True)
    check_on = serializers.DateField(source="enrollment.check_on", read_only=True, allow_null=True)
    assessed = serializers.SerializerMethodField()
    sample = serializers.CharField(source="sample_prefix", read_only=True, help_text="Sample label prefix: C<id>.")

    class Meta:
        model = CheckUp
        fields = ["id", "enrollment", "woman", "partner", "orgunit", "booked_for", "check_on", "assessed", "sample"]
        read_only_fields = fields

    def get_assessed(self, checkup: CheckUp) -> bool:
        return bool(checkup.conclusion)


class CareCheckResultSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(source="item.code")
    who = serializers.CharField(help_text="F: the woman; M: her partner.")
    value = serializers.CharField()
    unit = serializers.CharField()
    abnormal = serializers.BooleanField()
    measured_on = serializers.DateField()
    result_source = serializers.CharField(source="source", help_text="manual or analyser.")


class CareCheckUpSerializer(CareCheckUpListSerializer):
    """An opened check-up (audited): results and the assessment."""

    results = serializers.SerializerMethodField()

    class Meta(CareCheckUpListSerializer.Meta):
        fields = [
            *CareCheckUpListSerializer.Meta.fields,
            "population", "risk_classes", "conclusion", "counselling", "results",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CareCheckResultSerializer(many=True))
    def get_results(self, checkup: CheckUp) -> Any:
        rows = checkup.results.select_related("item").order_by("item__number", "person_id")
        for row in rows:
            row.who = "M" if row.person_id == checkup.partner_id else "F"  # type: ignore[attr-defined]
        return CareCheckResultSerializer(rows, many=True).data


class CareCheckUpInputSerializer(serializers.Serializer[Any]):
    woman = ref("The woman (a registry person in your scope).")
    partner = ref("Her partner, if he is examined too.", required=False, allow_null=True)
    booked_for = serializers.DateField()
    responsible = ref("The responsible health worker; default you, if you work in a village.", required=False)


class CareResultInputSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(max_length=40, help_text="Check item code (see the programme's check_items).")
    who = enum("CareResultWho", [("F", "The woman"), ("M", "Her partner")], required=False, default="F")
    value = serializers.CharField(max_length=200)
    abnormal = serializers.BooleanField(required=False, default=False)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class CareResultsInputSerializer(serializers.Serializer[Any]):
    measured_on = serializers.DateField()
    results = CareResultInputSerializer(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]


class CareAssessmentInputSerializer(serializers.Serializer[Any]):
    population = enum("CareCheckPopulation", CheckPopulation.choices)
    risk_classes = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    conclusion = enum("CareCheckConclusion", CheckConclusion.choices)
    counselling = serializers.CharField(max_length=4000)
    on = serializers.DateField(required=False, allow_null=True)


class CareLabImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="The analyser's CSV export (docs/care.md).")


class CareLabImportResultSerializer(serializers.Serializer[Any]):
    results = serializers.IntegerField()
    checkups = serializers.IntegerField()


# --- screening --------------------------------------------------------------------------------------------


class CareCampaignSerializer(serializers.ModelSerializer[ScreeningCampaign]):
    village: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    invited = serializers.IntegerField(read_only=True, default=0)
    attended = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = ScreeningCampaign
        fields = ["id", "village", "village_name", "name", "starts_on", "ends_on", "place", "invited", "attended"]
        read_only_fields = fields


class CareCampaignInputSerializer(serializers.Serializer[Any]):
    village = serializers.RegexField(ORGUNIT_CODE, help_text="Village code (12 digits).")
    name = serializers.CharField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CareInvitationSerializer(serializers.ModelSerializer[Invitation]):
    person = CarePersonSerializer(read_only=True)
    invitation_status = enum("CareInvitationStatus", InvitationStatus.choices, source="status", read_only=True)
    has_result = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "person", "invitation_status", "walk_in", "attended_on", "has_result"]
        read_only_fields = fields

    def get_has_result(self, invitation: Invitation) -> bool:
        return hasattr(invitation, "result")


class CareCheckinInputSerializer(serializers.Serializer[Any]):
    id_number = serializers.CharField(max_length=24, help_text="The resident-ID number on her card.")


class CareScreeningResultInputSerializer(serializers.Serializer[Any]):
    invitation = ref("Her attendance (an invitation she was checked in on).")
    cervical = enum("CareCervicalResult", CervicalResult.choices)
    breast = enum("CareBreastResult", BreastResult.choices)
    referral_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CareScreeningResultSerializer(serializers.ModelSerializer[ScreeningResult]):
    cervical = enum("CareCervicalResult", CervicalResult.choices, read_only=True)
    breast = enum("CareBreastResult", BreastResult.choices, read_only=True)

    class Meta:
        model = ScreeningResult
        fields = ["invitation", "cervical", "breast", "referral_to", "note"]
        read_only_fields = fields


class CareCoverageSerializer(serializers.Serializer[Any]):
    village = serializers.CharField(source="village.code")
    name = serializers.CharField(source="village.name")
    eligible = serializers.IntegerField(help_text="Women the programme covers (35–64, living).")
    screened = serializers.IntegerField(help_text="Of them, screened within the interval (three years).")
    referred = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True, help_text="Per cent; target ≥ 50.")


class CareCountSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
