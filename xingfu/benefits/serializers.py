"""API shapes of the benefits app. Choice fields carry distinct names (``benefit_kind``, ``cycle_status``, ...)
so that their enums do not collide with other apps' ``kind`` and ``status`` in the schema."""

from typing import Any

from rest_framework import serializers

from xingfu.benefits.models import (
    Application,
    ApplicationAttachment,
    ApplicationDecision,
    ApplicationStatus,
    BenefitKind,
    Certificate,
    Commitment,
    CommitmentCategory,
    CommitmentFulfilment,
    CycleStatus,
    DecisionStep,
    Entitlement,
    EntitlementStatus,
    Fund,
    FundTransaction,
    FundTransactionKind,
    LedgerEntry,
    LedgerKind,
    PayeeKind,
    PaymentCycle,
    Programme,
    ProgrammeLevel,
    ProgrammeRule,
    Unit,
)

MAX_ID = 2**63 - 1
ORGUNIT_CODE = r"^\d{6,12}$"
PERIOD = r"^\d{4}(\d{2})?$"


def ref(help_text: str, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text, **kwargs)


def money_field(help_text: str = "", **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, help_text=help_text, **kwargs)


# --- programmes -------------------------------------------------------------------------------------------


class BenefitRuleSerializer(serializers.ModelSerializer[ProgrammeRule]):
    conditions = serializers.JSONField(help_text="Condition tree: all/any/not nodes, leaves {fact, operator, value}.")
    amount = serializers.JSONField(help_text="Amount specification (mode fixed, tiered, pro_rata_months, ...).")

    class Meta:
        model = ProgrammeRule
        fields = ["id", "valid_from", "valid_to", "conditions", "amount", "note", "created_at"]
        read_only_fields = fields


class BenefitProgrammeSerializer(serializers.ModelSerializer[Programme]):
    benefit_unit = serializers.ChoiceField(source="unit", choices=Unit.choices, read_only=True)
    benefit_kind = serializers.ChoiceField(choices=BenefitKind.choices, read_only=True)
    payee_kind = serializers.ChoiceField(source="payee", choices=PayeeKind.choices, read_only=True)
    programme_level = serializers.ChoiceField(source="level", choices=ProgrammeLevel.choices, read_only=True)
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    attachments = serializers.JSONField(
        read_only=True, help_text='Documents an application lists: [{"name", "types"}].'
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "description",
            "programme_level",
            "benefit_unit",
            "benefit_kind",
            "payee_kind",
            "third_party",
            "funding_source",
            "fund",
            "needs_application",
            "attachments",
            "starts_on",
            "ends_on",
        ]
        read_only_fields = fields


class BenefitProgrammeDetailSerializer(BenefitProgrammeSerializer):
    rules = BenefitRuleSerializer(many=True, read_only=True)

    class Meta(BenefitProgrammeSerializer.Meta):
        fields = [*BenefitProgrammeSerializer.Meta.fields, "rules"]
        read_only_fields = fields


class BenefitProgrammeCreateSerializer(serializers.Serializer[Any]):
    code = serializers.RegexField(r"^[a-z0-9][a-z0-9-]{1,39}$", help_text="e.g. only-daughter")
    name_zh = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    programme_level = serializers.ChoiceField(choices=ProgrammeLevel.choices, default=ProgrammeLevel.DISTRICT)
    benefit_unit = serializers.ChoiceField(choices=Unit.choices)
    benefit_kind = serializers.ChoiceField(choices=BenefitKind.choices)
    payee_kind = serializers.ChoiceField(choices=PayeeKind.choices)
    third_party = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    funding_source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    fund = serializers.SlugField(max_length=40, required=False, allow_null=True, default=None, help_text="Fund code.")
    needs_application = serializers.BooleanField(default=False)
    attachments = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(max_length=100, allow_blank=True)),
        max_length=10,
        required=False,
        default=list,
        help_text='Documents an application must list: [{"name": "...", "types": "pdf,jpg"}].',
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    conditions = serializers.JSONField()
    amount = serializers.JSONField()


class BenefitRuleCreateSerializer(serializers.Serializer[Any]):
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    conditions = serializers.JSONField()
    amount = serializers.JSONField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BenefitWhatIfRequestSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Reference date; default today."
    )
    conditions = serializers.JSONField(required=False, allow_null=True, default=None, help_text="Draft conditions.")
    amount = serializers.JSONField(required=False, allow_null=True, default=None, help_text="Draft amount.")


class BenefitWhatIfTownSerializer(serializers.Serializer[Any]):
    town = serializers.CharField()
    name = serializers.CharField()
    units = serializers.IntegerField()
    amount = money_field("Money a year; null for certificates and amounts decided on applications.", allow_null=True)


class BenefitWhatIfSerializer(serializers.Serializer[Any]):
    programme = serializers.IntegerField()
    on = serializers.DateField()
    year = serializers.IntegerField()
    rule = serializers.CharField(help_text="current or draft")
    rule_id = serializers.IntegerField(allow_null=True)
    payments_per_year = serializers.IntegerField()
    towns = BenefitWhatIfTownSerializer(many=True)
    total_units = serializers.IntegerField()
    total_amount = money_field(allow_null=True)


class BenefitFactSerializer(serializers.Serializer[Any]):
    benefit_unit = serializers.CharField()
    name = serializers.CharField()
    meaning = serializers.CharField()
    value_type = serializers.CharField(help_text="integer, choice, boolean or date")
    choices = serializers.ListField(child=serializers.CharField())
    operators = serializers.ListField(child=serializers.CharField())
    nullable = serializers.BooleanField()


class CertificateIssueSerializer(serializers.Serializer[Any]):
    orgunit = serializers.RegexField(ORGUNIT_CODE, help_text="Issue to the households of this unit's subtree.")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class CertificateIssuedSerializer(serializers.Serializer[Any]):
    issued = serializers.IntegerField()


# --- eligibility ------------------------------------------------------------------------------------------


class EligibilityRuleRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)


class EligibilityExplanationSerializer(serializers.Serializer[Any]):
    programme = serializers.IntegerField()
    programme_code = serializers.CharField()
    programme_name = serializers.CharField()
    unit = serializers.CharField()
    on = serializers.DateField()
    eligible = serializers.BooleanField()
    reason = serializers.CharField()
    rule = EligibilityRuleRefSerializer(allow_null=True)
    amount = serializers.CharField(allow_null=True, help_text="Per payment (a discount in percent for certificates).")
    months = serializers.IntegerField(allow_null=True, help_text="Months counted, for pro-rata programmes.")
    conditions = serializers.JSONField(
        allow_null=True,
        help_text="The condition tree as evaluated: nodes {kind, held, children}; leaves {kind: condition, fact, "
        "label, operator, symbol, value, actual, held}.",
    )


# --- cycles -----------------------------------------------------------------------------------------------


class PaymentCycleSerializer(serializers.ModelSerializer[PaymentCycle]):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    scope = serializers.CharField(source="scope.code", read_only=True)
    cycle_status = serializers.ChoiceField(source="status", choices=CycleStatus.choices, read_only=True)
    prepared_by = serializers.CharField(source="prepared_by.username", read_only=True, allow_null=True, default=None)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PaymentCycle
        fields = [
            "id",
            "programme",
            "programme_code",
            "period",
            "scope",
            "reference_date",
            "cycle_status",
            "progress",
            "error",
            "prepared_by",
            "prepared_at",
            "approved_by",
            "approved_at",
            "entitlement_count",
            "total_amount",
            "exported_at",
            "reconciled_at",
        ]
        read_only_fields = fields


class PaymentCyclePrepareSerializer(serializers.Serializer[Any]):
    programmes = serializers.ListField(
        child=ref("Programme id."), min_length=1, max_length=20, help_text="One or more programmes, prepared together."
    )
    period = serializers.RegexField(PERIOD, help_text="202610 (a month) or 2026 (a year).")
    scope = serializers.RegexField(ORGUNIT_CODE, help_text="Org-unit code: the cycle covers its subtree.")


class PaymentCycleCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class BankFileQuerySerializer(serializers.Serializer[Any]):
    file_type = serializers.ChoiceField(choices=[("csv", "csv"), ("xlsx", "xlsx")], default="csv")


class PaymentResultsUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="CSV or XLSX with entitlement_id, amount, result (paid/failed).")


class PaymentResultsSummarySerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    paid = serializers.IntegerField()
    failed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    paid_amount = serializers.CharField()
    reconciled = serializers.BooleanField()


class EntitlementSerializer(serializers.ModelSerializer[Entitlement]):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    orgunit = serializers.CharField(source="orgunit.code", read_only=True)
    entitlement_status = serializers.ChoiceField(source="status", choices=EntitlementStatus.choices, read_only=True)
    payee_name = serializers.SerializerMethodField()

    class Meta:
        model = Entitlement
        fields = [
            "id",
            "cycle",
            "programme",
            "programme_code",
            "period",
            "person",
            "household",
            "orgunit",
            "payee",
            "payee_name",
            "amount",
            "months",
            "entitlement_status",
            "reissue_of",
            "application",
            "bank_reference",
            "failure_reason",
            "result_at",
        ]
        read_only_fields = fields

    def get_payee_name(self, entitlement: Entitlement) -> str:
        if entitlement.payee is None:
            return entitlement.programme.third_party
        return entitlement.payee.name


class LedgerEntrySerializer(serializers.ModelSerializer[LedgerEntry]):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    orgunit = serializers.CharField(source="orgunit.code", read_only=True)
    ledger_kind = serializers.ChoiceField(source="kind", choices=LedgerKind.choices, read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "programme",
            "programme_code",
            "period",
            "person",
            "household",
            "orgunit",
            "ledger_kind",
            "amount",
            "entitlement",
            "cycle",
            "reverses",
            "reversed_by",
            "recorded_at",
            "note",
        ]
        read_only_fields = fields

    def get_reversed_by(self, entry: LedgerEntry) -> int | None:
        reversal = getattr(entry, "reversed_by", None)
        return reversal.pk if reversal is not None else None


class LedgerReverseSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


# --- applications -----------------------------------------------------------------------------------------


class ApplicationAttachmentSerializer(serializers.ModelSerializer[ApplicationAttachment]):
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationAttachment
        fields = ["id", "name", "file_type", "has_file", "uploaded_at"]
        read_only_fields = fields

    def get_has_file(self, attachment: ApplicationAttachment) -> bool:
        return bool(attachment.file)


class ApplicationDecisionSerializer(serializers.ModelSerializer[ApplicationDecision]):
    decision_step = serializers.ChoiceField(source="step", choices=DecisionStep.choices, read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ApplicationDecision
        fields = ["id", "decision_step", "amount", "note", "decided_by", "decided_at"]
        read_only_fields = fields


class BenefitApplicationSerializer(serializers.ModelSerializer[Application]):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    orgunit = serializers.CharField(source="orgunit.code", read_only=True)
    application_status = serializers.ChoiceField(source="status", choices=ApplicationStatus.choices, read_only=True)
    attachments = ApplicationAttachmentSerializer(many=True, read_only=True)
    decisions = ApplicationDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "programme",
            "programme_code",
            "person",
            "household",
            "orgunit",
            "tier",
            "statement",
            "application_status",
            "submitted_at",
            "attachments",
            "decisions",
        ]
        read_only_fields = fields


class AttachmentListedSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    file_type = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class BenefitApplicationCreateSerializer(serializers.Serializer[Any]):
    programme = ref("Programme id (one that needs an application).")
    person = ref("For a person programme: the person.", required=False, allow_null=True, default=None)
    household = ref("For a household programme: the household.", required=False, allow_null=True, default=None)
    tier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    statement = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    attachments = AttachmentListedSerializer(many=True, help_text="The documents, by name (files may follow).")


class ApplicationFileSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    file = serializers.FileField()


class ApplicationReviewSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApplicationDecideSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    amount = money_field("For case-by-case programmes.", required=False, allow_null=True, default=None, min_value=0)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- funds ------------------------------------------------------------------------------------------------


class BenefitFundSerializer(serializers.ModelSerializer[Fund]):
    balance = money_field(read_only=True)
    money_in = money_field(read_only=True)
    money_out = money_field(read_only=True)

    class Meta:
        model = Fund
        fields = ["id", "code", "name", "description", "balance", "money_in", "money_out"]
        read_only_fields = fields


class FundTransactionSerializer(serializers.ModelSerializer[FundTransaction]):
    transaction_kind = serializers.ChoiceField(source="kind", choices=FundTransactionKind.choices, read_only=True)
    balance = money_field("Balance after this transaction.", read_only=True)

    class Meta:
        model = FundTransaction
        fields = ["id", "transaction_kind", "amount", "date", "source", "cycle", "note", "balance"]
        read_only_fields = fields


class FundMoneyInSerializer(serializers.Serializer[Any]):
    transaction_kind = serializers.ChoiceField(choices=[("budget", "budget"), ("donation", "donation")])
    amount = money_field(min_value=0)
    date = serializers.DateField()
    payer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="From whom.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- commitments and certificates -------------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    commitment_category = serializers.ChoiceField(source="category", choices=CommitmentCategory.choices, read_only=True)

    class Meta:
        model = Commitment
        fields = ["id", "department", "title", "commitment_category", "description"]
        read_only_fields = fields


class CommitmentCreateSerializer(serializers.Serializer[Any]):
    department = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=200)
    commitment_category = serializers.ChoiceField(choices=CommitmentCategory.choices)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CommitmentReportSerializer(serializers.Serializer[Any]):
    department = serializers.CharField()
    major = serializers.IntegerField()
    minor = serializers.IntegerField()
    records = serializers.IntegerField()
    households = serializers.IntegerField()
    value = money_field()


class FulfilmentSerializer(serializers.ModelSerializer[CommitmentFulfilment]):
    department = serializers.CharField(source="commitment.department", read_only=True)
    orgunit = serializers.CharField(source="orgunit.code", read_only=True)

    class Meta:
        model = CommitmentFulfilment
        fields = ["id", "commitment", "department", "household", "orgunit", "date", "description", "value"]
        read_only_fields = fields


class FulfilmentCreateSerializer(serializers.Serializer[Any]):
    commitment = ref("Commitment id.")
    id_number = serializers.CharField(max_length=24, help_text="Resident-ID number of a member of the household.")
    date = serializers.DateField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    value = money_field("Value in yuan, if any.", required=False, allow_null=True, default=None, min_value=0)


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    orgunit = serializers.CharField(source="orgunit.code", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "programme",
            "programme_code",
            "household",
            "orgunit",
            "number",
            "rate",
            "issued_on",
            "revoked_on",
        ]
        read_only_fields = fields


class CertificateCheckRequestSerializer(serializers.Serializer[Any]):
    id_number = serializers.CharField(max_length=24, help_text="The resident-ID number the applicant shows.")


class CertificateCheckAnswerSerializer(serializers.Serializer[Any]):
    qualifies = serializers.BooleanField()
    certificate_number = serializers.CharField(allow_null=True)
