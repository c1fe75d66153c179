"""API shapes of oversight. One serializer per resource serves reading and writing (read-only and write-only
fields), so each choice set appears in one schema component. They parse input only; the rules live in the
services."""

from typing import Any

from rest_framework import serializers

from xingfu.oversight import rules
from xingfu.oversight.fields import NamedChoiceField
from xingfu.oversight.models import (
    Case,
    CaseOutcome,
    CaseStatus,
    CaseStep,
    ChecklistAnswer,
    ChecklistItem,
    ChecklistResult,
    DeviceEvent,
    DeviceEventKind,
    DeviceStatus,
    Facility,
    FacilityKind,
    FacilityStatus,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Service,
    StepKind,
    TipOff,
    TipOffAbout,
    TipOffChannel,
    TipOffStatus,
    UltrasoundDevice,
)
from xingfu.oversight.services.tipoffs import PUBLIC_ABOUT_CHOICES


class ErrorSerializer(serializers.Serializer[Any]):
    """Every API error: ``{"status": 4xx, "code": "...", "reason": "...", "fields": {...}}``."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    reason = serializers.CharField()
    fields = serializers.DictField(child=serializers.JSONField(), required=False)  # type: ignore[assignment]
    details = serializers.JSONField(required=False)


class LinesField(serializers.ListField):
    """A list of short strings stored as lines of text (staff, operators)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=200), max_length=500, **kwargs)

    def to_representation(self, data: Any) -> list[str]:  # type: ignore[override]
        return [line.strip() for line in str(data or "").splitlines() if line.strip()]

    def to_internal_value(self, data: Any) -> str:  # type: ignore[override]
        items = super().to_internal_value(data)
        return "\n".join(item.replace("\n", " ").strip() for item in items if item.strip())


# --- Facilities -----------------------------------------------------------------------------------------


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    orgunit = serializers.CharField(
        source="orgunit.code", max_length=12, help_text="Code of the village or town the facility is in."
    )
    orgunit_name = serializers.CharField(source="orgunit.name", read_only=True)
    kind = NamedChoiceField(FacilityKind.choices, enum_name="OversightFacilityKind")
    status = NamedChoiceField(FacilityStatus.choices, enum_name="OversightFacilityStatus", required=False)
    services = serializers.ListField(
        child=NamedChoiceField(Service.choices, enum_name="OversightService"), required=False, max_length=20
    )
    staff = LinesField(required=False)
    staff_count = serializers.IntegerField(min_value=0, max_value=100000, required=False)

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "orgunit",
            "orgunit_name",
            "licence_number",
            "licence_expiry",
            "address",
            "responsible_person",
            "phone",
            "staff",
            "staff_count",
            "services",
            "status",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


# --- Devices --------------------------------------------------------------------------------------------


class DeviceSerializer(serializers.ModelSerializer[UltrasoundDevice]):
    facility = serializers.IntegerField(source="facility_id", min_value=1, max_value=2**62)
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    operators = LinesField(required=False)
    status = NamedChoiceField(DeviceStatus.choices, enum_name="OversightDeviceStatus", read_only=True)
    flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="missing_health_registration, missing_fp_registration, late_registration (active devices only).",
    )

    class Meta:
        model = UltrasoundDevice
        fields = [
            "id",
            "make",
            "model_name",
            "serial",
            "purchase_date",
            "seller",
            "facility",
            "facility_name",
            "operators",
            "health_reg_number",
            "health_reg_date",
            "fp_reg_number",
            "fp_reg_date",
            "registration_due",
            "status",
            "flags",
        ]
        read_only_fields = ["id", "registration_due", "status"]
        # The service checks the serial (case-insensitively) and answers 409 with the reason.
        extra_kwargs: dict[str, Any] = {"serial": {"validators": []}}


class DeviceEventSerializer(serializers.ModelSerializer[DeviceEvent]):
    from_facility = serializers.IntegerField(source="from_facility_id", read_only=True, allow_null=True)
    to_facility = serializers.IntegerField(source="to_facility_id", read_only=True, allow_null=True)
    kind = NamedChoiceField(DeviceEventKind.choices, enum_name="OversightDeviceEventKind", read_only=True)

    class Meta:
        model = DeviceEvent
        fields = ["id", "kind", "on", "from_facility", "to_facility", "counterparty", "note", "recorded_at"]
        read_only_fields = fields


class DeviceMoveSerializer(serializers.Serializer[Any]):
    to_facility = serializers.IntegerField(min_value=1, max_value=2**62)
    on = serializers.DateField()
    in_use = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class DeviceSellSerializer(serializers.Serializer[Any]):
    buyer = serializers.CharField(max_length=200)
    on = serializers.DateField()
    to_facility = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        default=None,
        help_text="The buying facility, if it is in the register; leave out for a sale out of the district.",
    )
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class DeviceScrapSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    recycler = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


# --- Inspections ----------------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    text = serializers.CharField(read_only=True)
    finding_kind = NamedChoiceField(
        FindingKind.choices,
        enum_name="OversightFindingKind",
        read_only=True,
        help_text="The kind of finding an answer 'no' records.",
    )

    class Meta:
        model = ChecklistItem
        fields = ["code", "text", "text_zh", "text_en", "finding_kind", "correction_days", "order"]
        read_only_fields = fields


class ChecklistResultSerializer(serializers.ModelSerializer[ChecklistResult]):
    item = serializers.SlugRelatedField(slug_field="code", queryset=ChecklistItem.objects.filter(active=True))
    answer = NamedChoiceField(ChecklistAnswer.choices, enum_name="OversightChecklistAnswer")
    note = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")

    class Meta:
        model = ChecklistResult
        fields = ["item", "answer", "note"]


class FindingSerializer(serializers.ModelSerializer[Finding]):
    inspection = serializers.IntegerField(source="inspection_id", read_only=True)
    facility = serializers.IntegerField(source="inspection.facility_id", read_only=True)
    kind = NamedChoiceField(FindingKind.choices, enum_name="OversightFindingKind")

    class Meta:
        model = Finding
        fields = ["id", "inspection", "facility", "kind", "description", "correction_due", "corrected_on"]
        read_only_fields = ["id", "inspection", "facility", "corrected_on"]
        extra_kwargs = {"description": {"allow_blank": False, "max_length": 5000, "required": True}}


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    facility = serializers.IntegerField(source="facility_id", min_value=1, max_value=2**62)
    facility_name = serializers.CharField(source="facility.name", read_only=True)
    kind = NamedChoiceField(InspectionKind.choices, enum_name="OversightInspectionKind")
    status = NamedChoiceField(InspectionStatus.choices, enum_name="OversightInspectionStatus", read_only=True)
    inspector = serializers.CharField(source="inspector.username", read_only=True, allow_null=True)
    follows_finding = serializers.IntegerField(
        source="follows_finding_id", min_value=1, max_value=2**62, required=False, allow_null=True
    )
    results = ChecklistResultSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "facility",
            "facility_name",
            "kind",
            "status",
            "planned_for",
            "plan_slot",
            "done_on",
            "inspector",
            "summary",
            "follows_finding",
            "results",
            "findings",
        ]
        read_only_fields = ["id", "status", "plan_slot", "done_on", "summary"]


class InspectionRecordSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField()
    answers = ChecklistResultSerializer(many=True, help_text="One answer for every active checklist item.")
    summary = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    finding_corrected = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Re-inspections: was the finding corrected?"
    )


class PlanSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class PlanResultSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    planned = serializers.IntegerField(help_text="Planned inspections added (slots already planned are kept).")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class CorrectSerializer(serializers.Serializer[Any]):
    corrected_on = serializers.DateField()


# --- Tip-offs -------------------------------------------------------------------------------------------


class TipOffSerializer(serializers.ModelSerializer[TipOff]):
    """A tip-off as staff see it. The reporter's contact is write-only here; reading it is a separate,
    audited call for those allowed."""

    orgunit = serializers.CharField(source="orgunit.code", max_length=12)
    about = NamedChoiceField(TipOffAbout.choices, enum_name="OversightTipOffAbout")
    channel = NamedChoiceField(
        TipOffChannel.choices,
        enum_name="OversightTipOffChannel",
        help_text="Staff record tip-offs taken by hotline, letter or from the media.",
    )
    status = NamedChoiceField(TipOffStatus.choices, enum_name="OversightTipOffStatus", read_only=True)
    contact = serializers.CharField(max_length=200, write_only=True, allow_blank=True, required=False, default="")
    has_contact = serializers.SerializerMethodField()
    has_attachment = serializers.SerializerMethodField()
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    tracking_code = serializers.SerializerMethodField(
        help_text="Only in the answer to recording a tip-off: give it to the reporter (it is not kept)."
    )

    class Meta:
        model = TipOff
        fields = [
            "id",
            "about",
            "provider",
            "description",
            "place",
            "occurred",
            "orgunit",
            "channel",
            "contact",
            "has_contact",
            "has_attachment",
            "status",
            "case",
            "received_at",
            "status_changed_at",
            "tracking_code",
        ]
        read_only_fields = ["id", "status", "received_at", "status_changed_at"]
        extra_kwargs = {"description": {"max_length": 5000}, "place": {"max_length": 300}}

    def get_has_contact(self, tipoff: TipOff) -> bool:
        return bool(tipoff.contact)

    def get_has_attachment(self, tipoff: TipOff) -> bool:
        return bool(tipoff.attachment)

    def get_tracking_code(self, tipoff: TipOff) -> str | None:
        return self.context.get("tracking_code")


class ContactSerializer(serializers.Serializer[Any]):
    tipoff = serializers.IntegerField()
    contact = serializers.CharField(allow_blank=True)


class TriageSerializer(serializers.Serializer[Any]):
    decision = NamedChoiceField(
        [("new_case", "Open a new case"), ("join_case", "Add to an open case"), ("dismiss", "No action possible")],
        enum_name="OversightTriageDecision",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    orgunit = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    owner = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)
    case = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TriageResultSerializer(serializers.Serializer[Any]):
    tipoff = serializers.IntegerField()
    status = NamedChoiceField(TipOffStatus.choices, enum_name="OversightTipOffStatus")
    case = serializers.IntegerField(allow_null=True)


class PublicReportSerializer(serializers.Serializer[Any]):
    about = NamedChoiceField(
        PUBLIC_ABOUT_CHOICES,
        enum_name="OversightPublicReportAbout",
        help_text="What the report is about. Reports about a pregnant woman herself are refused.",
    )
    provider = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000)
    place = serializers.CharField(max_length=300)
    occurred = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    town = serializers.RegexField(
        r"^\d{9}$", required=False, allow_blank=True, default="", help_text="Code of the town, if known."
    )
    contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Leave empty to stay anonymous."
    )
    challenge_token = serializers.CharField(max_length=500)
    challenge_answer = serializers.CharField(max_length=10)


class PublicReceiptSerializer(serializers.Serializer[Any]):
    tracking_code = serializers.CharField(help_text="Shown once: the reporter keeps it to check the status.")
    status = NamedChoiceField(TipOffStatus.choices, enum_name="OversightTipOffStatus")
    status_label = serializers.CharField()


class ChallengeSerializer(serializers.Serializer[Any]):
    question = serializers.CharField()
    token = serializers.CharField()


class StatusQuerySerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=100)


class PublicStatusSerializer(serializers.Serializer[Any]):
    status = NamedChoiceField(TipOffStatus.choices, enum_name="OversightTipOffStatus")
    status_label = serializers.CharField()
    received_on = serializers.DateField()
    updated_on = serializers.DateField()


# --- Cases ----------------------------------------------------------------------------------------------


class CaseStepSerializer(serializers.ModelSerializer[CaseStep]):
    kind = NamedChoiceField(StepKind.choices, enum_name="OversightCaseStepKind")
    rule = NamedChoiceField(
        [("", "—"), *((code, r.label) for code, r in rules.PENALTY_RULES.items())],
        enum_name="OversightPenaltyRule",
        required=False,
        allow_blank=True,
        default="",
        help_text="Penalty steps: the provision of the rule.",
    )
    fine_yuan = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,  # type: ignore[arg-type]
    )
    by = serializers.CharField(source="by_name", read_only=True)

    class Meta:
        model = CaseStep
        fields = ["id", "kind", "summary", "due", "done_on", "rule", "fine_yuan", "by", "district", "recorded_at"]
        read_only_fields = ["id", "by", "district", "recorded_at"]
        extra_kwargs = {"summary": {"max_length": 5000}}


class TipOffIdsField(serializers.ListField):
    """The ids of a case's tip-offs (reading); the tip-offs to triage into a new case (writing)."""

    def get_attribute(self, instance: Case) -> list[int]:  # type: ignore[override]
        return [t.pk for t in instance.tipoffs.all()]


class CaseSerializer(serializers.ModelSerializer[Case]):
    orgunit = serializers.CharField(source="orgunit.code", max_length=12)
    facility = serializers.IntegerField(
        source="facility_id", min_value=1, max_value=2**62, required=False, allow_null=True
    )
    owner = serializers.IntegerField(
        source="owner_id", min_value=1, max_value=2**62, required=False, help_text="User id; yourself if left out."
    )
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    tipoffs = TipOffIdsField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=100
    )
    steps = CaseStepSerializer(many=True, read_only=True)
    status = NamedChoiceField(CaseStatus.choices, enum_name="OversightCaseStatus", read_only=True)
    outcome = NamedChoiceField(CaseOutcome.choices, enum_name="OversightCaseOutcome", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "summary",
            "orgunit",
            "facility",
            "owner",
            "owner_name",
            "status",
            "opened_on",
            "deadline",
            "closed_on",
            "outcome",
            "outcome_note",
            "received_from",
            "external_ref",
            "referred_to",
            "tipoffs",
            "steps",
        ]
        read_only_fields = [
            "id",
            "number",
            "status",
            "opened_on",
            "closed_on",
            "outcome",
            "outcome_note",
            "received_from",
            "external_ref",
            "referred_to",
        ]
        extra_kwargs = {
            "summary": {"max_length": 5000},
            "deadline": {"required": False, "help_text": "Defaults to 60 days after opening."},
        }


class CaseAssignSerializer(serializers.Serializer[Any]):
    owner = serializers.IntegerField(min_value=1, max_value=2**62)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class CaseCloseSerializer(serializers.Serializer[Any]):
    outcome = NamedChoiceField(
        [(k, v) for k, v in CaseOutcome.choices if k not in ("", CaseOutcome.REFERRED)],
        enum_name="OversightCaseCloseOutcome",
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StepDoneSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField()


class ReferSerializer(serializers.Serializer[Any]):
    to_district = serializers.CharField(max_length=100)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CaseContactsSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()
    contacts = ContactSerializer(many=True)


class CaseImportSerializer(serializers.Serializer[Any]):
    orgunit = serializers.CharField(max_length=12, help_text="Town or district code the case belongs to here.")
    owner = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True, default=None)
    document = serializers.JSONField(help_text="The referral file (format xingfu.oversight.case, version 1).")
