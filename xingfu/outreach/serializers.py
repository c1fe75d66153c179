"""API shapes. Input serializers only parse and type; the services decide (the same ones the pages call)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xingfu.core.masking import mask_id_number
from xingfu.outreach.models import (
    Attachment,
    Attendance,
    Audience,
    Campaign,
    Channel,
    Event,
    EventKind,
    MaterialKind,
    MediaPiece,
    Outlet,
    Training,
)
from xingfu.outreach.selectors import ACTIVITY_KINDS
from xingfu.outreach.services._common import MAX_COUNT


def _code() -> "serializers.CharField":
    return serializers.CharField(max_length=12, help_text="Org-unit code (statistical division code).")


# --- output ------------------------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    url = serializers.SerializerMethodField(help_text="Where a signed-in user in scope can open the file.")

    class Meta:
        model = Attachment
        fields = ["id", "content_type", "size", "original_name", "uploaded_at", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return reverse("outreach-attachment", args=[attachment.pk])


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orgunit_name = serializers.CharField(source="orgunit.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "theme", "orgunit", "orgunit_name", "start_date", "end_date", "description", "created_at"]


class MaterialSerializer(serializers.Serializer[Any]):
    # Not "kind": every app has a "kind", and the schema names enums after their field.
    material = serializers.ChoiceField(source="kind", choices=MaterialKind.choices)
    count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)


class EventSerializer(serializers.ModelSerializer[Event]):
    village: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    town = serializers.CharField(source="village.parent.code", read_only=True)
    campaign_theme = serializers.CharField(source="campaign.theme", read_only=True)
    event_kind = serializers.ChoiceField(source="kind", choices=EventKind.choices, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "campaign",
            "campaign_theme",
            "date",
            "village",
            "village_name",
            "town",
            "event_kind",
            "channel",
            "place",
            "people_reached",
            "materials",
            "note",
            "attachments",
            "created_at",
        ]


class TrainingSerializer(serializers.ModelSerializer[Training]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orgunit_name = serializers.CharField(source="orgunit.name", read_only=True)
    level = serializers.CharField(source="orgunit.level", read_only=True)
    attendees = serializers.IntegerField(source="n_attendees", read_only=True, default=0)

    class Meta:
        model = Training
        fields = [
            "id",
            "topic",
            "audience",
            "orgunit",
            "orgunit_name",
            "level",
            "date",
            "hours",
            "trainer",
            "place",
            "note",
            "attendees",
            "created_at",
        ]


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    attendee_kind = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    id_number_masked = serializers.SerializerMethodField()
    username = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["id", "training", "attendee_kind", "person", "user", "name", "id_number_masked", "username"]

    @extend_schema_field({"type": "string", "enum": ["resident", "staff"]})
    def get_attendee_kind(self, a: Attendance) -> str:
        return "resident" if a.person_id else "staff"

    def get_name(self, a: Attendance) -> str:
        return a.person.name if a.person else (a.user.display_name if a.user else "")

    def get_id_number_masked(self, a: Attendance) -> str:
        return mask_id_number(a.person.id_number) if a.person else ""

    def get_username(self, a: Attendance) -> str:
        return a.user.username if a.user else ""


class MediaPieceSerializer(serializers.ModelSerializer[MediaPiece]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orgunit_name = serializers.CharField(source="orgunit.name", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = MediaPiece
        fields = [
            "id",
            "outlet",
            "outlet_name",
            "title",
            "date",
            "link",
            "orgunit",
            "orgunit_name",
            "note",
            "attachments",
            "created_at",
        ]


class TrainingRecordRowSerializer(serializers.Serializer[Any]):
    training = serializers.IntegerField(source="training.id")
    date = serializers.DateField(source="training.date")
    topic = serializers.CharField(source="training.topic")
    level = serializers.CharField(source="training.orgunit.level")
    orgunit = serializers.CharField(source="training.orgunit.code")
    hours = serializers.DecimalField(source="training.hours", max_digits=5, decimal_places=1)


class TrainingRecordSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    total_hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    count = serializers.IntegerField()
    trainings = TrainingRecordRowSerializer(many=True, source="attendances")


class CoverageRowSerializer(serializers.Serializer[Any]):
    village = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.name")
    town = serializers.CharField(source="village.parent.code")
    reached = serializers.BooleanField()
    total = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text=f"Activities by kind: {', '.join(ACTIVITY_KINDS)}."
    )


# --- input -------------------------------------------------------------------------------------------------


class CampaignInputSerializer(serializers.Serializer[Any]):
    theme = serializers.CharField(max_length=200)
    orgunit = _code()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class EventInputSerializer(serializers.Serializer[Any]):
    campaign = serializers.IntegerField(min_value=1, max_value=2**62)
    village = _code()
    date = serializers.DateField()
    event_kind = serializers.ChoiceField(source="kind", choices=EventKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    people_reached = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    materials = MaterialSerializer(many=True, required=False, default=list)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def validate_materials(self, value: list[dict[str, Any]]) -> dict[str, int]:
        kinds = [m["kind"] for m in value]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError("Give each material once.")
        return {m["kind"]: m["count"] for m in value}


class TrainingInputSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField(max_length=200)
    audience = serializers.ChoiceField(choices=Audience.choices)
    orgunit = _code()
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    trainer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AttendanceInputSerializer(serializers.Serializer[Any]):
    """One attendee: a resident by resident-ID number or by registry id, or a staff member by username or id."""

    training = serializers.IntegerField(min_value=1, max_value=2**62)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    person = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    user = serializers.IntegerField(min_value=1, max_value=2**62, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("id_number", "person", "username", "user") if attrs.get(k) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Name exactly one attendee: id_number or person (a resident), username or user (a staff member)."
            )
        return attrs


class MediaPieceInputSerializer(serializers.Serializer[Any]):
    outlet = serializers.ChoiceField(choices=Outlet.choices)
    outlet_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    orgunit = _code()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AttachmentInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="A JPEG or PNG photo or a PDF document, at most 5 MB.")
