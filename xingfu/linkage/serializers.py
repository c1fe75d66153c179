"""API shapes of the linkage app. Resident-ID numbers are masked in every response; ``reveal`` is the audited
way to see them. Choice fields carry their own component names (``LinkRunKind``, ``CandidateStatus``, ...) so
that the schema does not confuse them with other apps' ``kind`` and ``status``."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xingfu.core.masking import mask_id_number
from xingfu.linkage import engine
from xingfu.linkage.models import (
    Candidate,
    CandidateBand,
    CandidateStatus,
    Decision,
    LinkRun,
    LinkRunKind,
    LinkRunStatus,
    ListTemplate,
    Proposal,
    Verdict,
)
from xingfu.registry.models import Relation, Sex

MAX_ID = 2**63 - 1


class LinkageChoiceField(serializers.ChoiceField):
    """A choice field documented as the schema component ``enum_name``."""

    def __init__(self, choices: Any, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class LinkageChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = LinkageChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field: LinkageChoiceField = self.target
        schema = {
            "type": "string",
            "enum": [str(value) for value in field.choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class LinkRunSerializer(serializers.ModelSerializer[LinkRun]):
    kind = LinkageChoiceField(LinkRunKind.choices, enum_name="LinkRunKind", read_only=True)
    status = LinkageChoiceField(LinkRunStatus.choices, enum_name="LinkRunStatus", read_only=True)
    scope: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    file_name = serializers.CharField(source="outside_list.file_name", read_only=True, allow_null=True, default=None)
    list_rows = serializers.IntegerField(source="outside_list.rows", read_only=True, allow_null=True, default=None)
    parameters = serializers.JSONField(read_only=True, help_text="The trained model: prior, m and u per level.")
    seconds = serializers.JSONField(read_only=True)

    class Meta:
        model = LinkRun
        fields = [
            "id",
            "kind",
            "status",
            "step",
            "percent",
            "scope",
            "outside_list",
            "file_name",
            "list_rows",
            "repeat_of",
            "records",
            "registry_persons",
            "certain",
            "probable",
            "unmatched",
            "skipped",
            "parameters",
            "seconds",
            "message",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ListUploadSerializer(serializers.Serializer[Any]):
    template = LinkageChoiceField(ListTemplate.choices, enum_name="ListTemplate")
    file = serializers.FileField(help_text="The filled-in template: .xlsx, or .csv in UTF-8 or GBK.")


class OutsideRecordSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="Masked.")
    sex = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    address = serializers.CharField()
    village_code = serializers.CharField()
    facility = serializers.CharField()
    child_sex = serializers.CharField()
    child_name = serializers.CharField()
    child_birth_date = serializers.DateField(allow_null=True)

    def get_id_number(self, record: Any) -> str:
        return mask_id_number(record.id_number)


class LinkagePersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    id_number = serializers.SerializerMethodField(help_text="Masked.")
    orgunit = serializers.CharField(source="orgunit.code")

    def get_id_number(self, person: Any) -> str:
        return mask_id_number(person.id_number)


class FieldComparisonSerializer(serializers.Serializer[Any]):
    comparison = serializers.CharField()
    level = serializers.CharField()
    meaning = LinkageChoiceField(
        [(m, m) for m in (engine.AGREE, engine.PARTIAL, engine.DISAGREE, engine.MISSING)],
        enum_name="FieldAgreement",
    )


class LinkageCandidateSerializer(serializers.ModelSerializer[Candidate]):
    band = LinkageChoiceField(CandidateBand.choices, enum_name="CandidateBand", read_only=True)
    proposal = LinkageChoiceField(Proposal.choices, enum_name="CandidateProposal", read_only=True)
    status = LinkageChoiceField(CandidateStatus.choices, enum_name="CandidateStatus", read_only=True)
    record = OutsideRecordSerializer(read_only=True, allow_null=True)
    person = LinkagePersonSerializer(read_only=True, allow_null=True)
    other_person = LinkagePersonSerializer(read_only=True, allow_null=True)
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    fields_compared = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id",
            "run",
            "band",
            "proposal",
            "status",
            "match_weight",
            "match_probability",
            "fields_compared",
            "record",
            "person",
            "other_person",
            "birth",
            "orgunit",
        ]
        read_only_fields = fields

    @extend_schema_field(FieldComparisonSerializer(many=True))
    def get_fields_compared(self, candidate: Candidate) -> list[dict[str, str]]:
        out = []
        for comparison, index in (candidate.levels or {}).items():
            label, meaning = engine.level_info(candidate.run.kind, comparison, int(index))
            out.append({"comparison": comparison, "level": label, "meaning": meaning})
        return out


class CandidateFilterSerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    status = LinkageChoiceField(CandidateStatus.choices, enum_name="CandidateStatus", required=False)
    band = LinkageChoiceField(CandidateBand.choices, enum_name="CandidateBand", required=False)
    proposal = LinkageChoiceField(Proposal.choices, enum_name="CandidateProposal", required=False)


class LinkageDecideSerializer(serializers.Serializer[Any]):
    verdict = LinkageChoiceField([("accept", "accept"), ("reject", "reject")], enum_name="DecisionInputVerdict")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    survivor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="A merge: the person who stays."
    )
    mother = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True,
        help_text="A birth whose mother was not found: her person id.",
    )  # fmt: skip
    child_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    household = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="A person to add: the household."
    )
    new_household_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    relation = LinkageChoiceField(Relation.choices, enum_name="LinkageRelation", required=False, allow_blank=True)
    sex = LinkageChoiceField(Sex.choices, enum_name="LinkageSex", required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)


class LinkageDecisionSerializer(serializers.ModelSerializer[Decision]):
    proposal = LinkageChoiceField(Proposal.choices, enum_name="CandidateProposal", read_only=True)
    verdict = LinkageChoiceField(Verdict.choices, enum_name="DecisionVerdict", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "candidate",
            "proposal",
            "verdict",
            "decided_by",
            "decided_at",
            "reason",
            "person",
            "event",
            "merge",
            "orgunit",
        ]
        read_only_fields = fields


class LinkageRevealSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LinkageRevealedNumbersSerializer(serializers.Serializer[Any]):
    record = serializers.CharField(required=False)
    person = serializers.CharField(required=False)
    other_person = serializers.CharField(required=False)


class LinkageCompletenessRowSerializer(serializers.Serializer[Any]):
    orgunit = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    level = serializers.CharField(source="unit.level")
    records = serializers.IntegerField()
    matched = serializers.IntegerField()
    added = serializers.IntegerField()
    dismissed = serializers.IntegerField()
    open = serializers.IntegerField()
