"""The registry API: households, persons and life events of the caller's scope.

Lists and reads go through the scoped selectors; creates and updates go through the same services as the
pages, so the rules and the audit trail are the same. Resident-ID numbers and phones are always masked in
responses; ``POST /api/persons/{id}/reveal/`` returns one in full to a role that may unmask, and audits it.
``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xingfu.accounts.access import access_orgunit_by_code
from xingfu.accounts.api_permissions import HasPerm
from xingfu.accounts.roles import Perm
from xingfu.core.api import CappedCountPagination
from xingfu.core.errors import NotFound, ValidationFailed
from xingfu.core.masking import mask_id_number, mask_phone
from xingfu.registry import services
from xingfu.registry.models import (
    DisabilityGrade,
    EventKind,
    Household,
    LifeEvent,
    Person,
    PersonStatus,
    Relation,
    Residence,
    Sex,
)
from xingfu.registry.selectors import (
    events_for_user,
    household_get,
    households_for_user,
    households_with_heads,
    person_get,
    persons_filtered,
    with_current_household,
)

MAX_ID = 2**63 - 1
ORGUNIT_CODE = r"^\d{6,12}$"


def _ref(label: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=label)


def _optional_ref(label: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text=label)


# --- households -------------------------------------------------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = serializers.IntegerField(source="n_members", read_only=True, help_text="Current members.")

    class Meta:
        model = Household
        fields = ["id", "orgunit", "number", "address", "residence", "registered_on", "head", "members"]
        read_only_fields = fields


class HouseholdCreateSerializer(serializers.Serializer[Any]):
    orgunit = serializers.RegexField(ORGUNIT_CODE, help_text="Code of the village (12 digits).")
    number = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    residence = serializers.ChoiceField(choices=Residence.choices)
    registered_on = serializers.DateField()


class HouseholdUpdateSerializer(serializers.Serializer[Any]):
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    residence = serializers.ChoiceField(choices=Residence.choices, required=False)


class MemberRelationSerializer(serializers.Serializer[Any]):
    person = _ref("A current member.")
    # All relations, "head" included, so the schema shares one Relation enum; the service refuses a second head.
    relation = serializers.ChoiceField(choices=Relation.choices)


class HeadChangeSerializer(serializers.Serializer[Any]):
    head = _ref("The current member who becomes the head.")
    relations = MemberRelationSerializer(
        many=True,
        required=False,
        default=list,
        help_text="What other current members will be to the new head; required for the present head.",
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HouseholdFilterSerializer(serializers.Serializer[Any]):
    orgunit = serializers.RegexField(ORGUNIT_CODE, required=False)
    q = serializers.CharField(max_length=32, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary="Households in your scope",
        parameters=[
            OpenApiParameter("orgunit", OpenApiTypes.STR, description="Only this org unit and everything under it."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Household number starts with."),
        ],
    ),
    retrieve=extend_schema(summary="One household"),
    create=extend_schema(
        summary="Register a household", request=HouseholdCreateSerializer, responses={201: HouseholdSerializer}
    ),
    partial_update=extend_schema(
        summary="Correct a household's address or residence",
        request=HouseholdUpdateSerializer,
        responses=HouseholdSerializer,
    ),
)
class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Household],
):
    serializer_class = HouseholdSerializer
    permission_classes = [HasPerm.of(Perm.REGISTRY_VIEW)]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Household]:
        qs = households_for_user(self.request.user)
        if self.action == "list":
            params = HouseholdFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data.get("orgunit"):
                unit = access_orgunit_by_code(self.request.user, params.validated_data["orgunit"])
                qs = qs.filter(orgunit__path__startswith=unit.path)
            if params.validated_data.get("q"):
                qs = qs.filter(number__startswith=params.validated_data["q"].strip())
        return households_with_heads(qs).order_by("orgunit_id", "number", "id")

    def get_object(self) -> Household:
        household_get(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(HouseholdCreateSerializer, request.data)
        village = access_orgunit_by_code(request.user, data["orgunit"])
        household = services.household_register(
            actor=request.user,
            village=village,
            number=data["number"],
            address=data["address"],
            residence=data["residence"],
            registered_on=data["registered_on"],
        )
        return Response(
            HouseholdSerializer(self.get_queryset().get(pk=household.pk)).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = household_get(request.user, kwargs["pk"])
        data = _valid(HouseholdUpdateSerializer, request.data)
        services.household_update(
            actor=request.user, household=household, address=data.get("address"), residence=data.get("residence")
        )
        return Response(HouseholdSerializer(self.get_queryset().get(pk=household.pk)).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        summary="Make a current member the head of the household, restating the others' relations",
        request=HeadChangeSerializer,
        responses=HouseholdSerializer,
    )
    @action(detail=True, methods=["post"])
    def head(self, request: Request, pk: str) -> Response:
        household = household_get(request.user, pk)
        data = _valid(HeadChangeSerializer, request.data)
        relations: dict[int, str] = {}
        for item in data["relations"]:
            if item["person"] in relations:
                raise ValidationFailed(_("Each member is named once."), field="relations")
            relations[item["person"]] = item["relation"]
        services.household_head_change(
            actor=request.user,
            household=household,
            head=person_get(request.user, data["head"]),
            relations=relations,
            reason=data["reason"],
        )
        return Response(HouseholdSerializer(self.get_queryset().get(pk=household.pk)).data)


# --- persons ----------------------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer[Person]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    id_number = serializers.SerializerMethodField(help_text="Masked (first 6 and last 4 characters shown).")
    phone = serializers.SerializerMethodField(help_text="Masked.")
    household = serializers.IntegerField(
        source="current_household_id", read_only=True, allow_null=True, help_text="Current household."
    )
    relation = serializers.ChoiceField(
        source="current_relation", choices=Relation.choices, read_only=True, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "pinyin",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "status",
            "death_date",
            "orgunit",
            "household",
            "relation",
        ]
        read_only_fields = fields

    def get_id_number(self, person: Person) -> str | None:
        return mask_id_number(person.id_number) or None

    def get_phone(self, person: Person) -> str:
        return mask_phone(person.phone)


class PersonCreateSerializer(serializers.Serializer[Any]):
    household = _ref("The household the person joins.")
    name = serializers.CharField(max_length=50)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField()
    relation = serializers.ChoiceField(choices=Relation.choices, help_text="Relation to the head of the household.")
    id_number = serializers.CharField(
        max_length=24, required=False, allow_blank=True, allow_null=True, help_text="18 characters, or 15 (legacy)."
    )
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    start_date = serializers.DateField(required=False, allow_null=True, help_text="Member since; default today.")


class PersonUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)
    id_number = serializers.CharField(max_length=24, required=False, allow_blank=True, help_text='"" removes it.')
    phone = serializers.CharField(max_length=24, required=False, allow_blank=True, help_text='"" removes it.')


class PersonFilterSerializer(serializers.Serializer[Any]):
    orgunit = serializers.RegexField(ORGUNIT_CODE, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    status = serializers.ChoiceField(choices=PersonStatus.choices, required=False)
    age_min = serializers.IntegerField(min_value=0, max_value=150, required=False)
    age_max = serializers.IntegerField(min_value=0, max_value=150, required=False)
    q = serializers.CharField(max_length=50, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (
            attrs.get("age_min") is not None
            and attrs.get("age_max") is not None
            and attrs["age_min"] > attrs["age_max"]
        ):
            raise serializers.ValidationError({"age_max": [_("age_max is below age_min.")]})
        return attrs


class RevealSerializer(serializers.Serializer[Any]):
    what = serializers.ChoiceField(
        choices=[("id_number", "id_number"), ("phone", "phone"), ("disability_grade", "disability_grade")]
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DisabilitySerializer(serializers.Serializer[Any]):
    grade = serializers.ChoiceField(
        choices=DisabilityGrade.choices, allow_null=True, help_text="1 (most severe) to 4; null clears it."
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevealedSerializer(serializers.Serializer[Any]):
    what = serializers.CharField()
    value = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        summary="Persons in your scope",
        parameters=[
            OpenApiParameter(
                "orgunit", OpenApiTypes.STR, description="Org-unit code: that unit and everything under it."
            ),
            OpenApiParameter("sex", OpenApiTypes.STR, enum=Sex.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=PersonStatus.values),
            OpenApiParameter("age_min", OpenApiTypes.INT, description="Aged at least this many years today."),
            OpenApiParameter("age_max", OpenApiTypes.INT, description="Aged at most this many years today."),
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Name or part of it, pinyin (zhang wei / zhangwei / initials zw; one or two letters "
                "are initials or the start of the pinyin), a resident-ID number, its last 4 or more digits, or "
                "a masked number (370406********1234).",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One person (numbers masked)"),
    create=extend_schema(
        summary="Add a person to a household", request=PersonCreateSerializer, responses={201: PersonSerializer}
    ),
    partial_update=extend_schema(
        summary="Correct a person's particulars", request=PersonUpdateSerializer, responses=PersonSerializer
    ),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Person],
):
    serializer_class = PersonSerializer
    permission_classes = [HasPerm.of(Perm.REGISTRY_VIEW)]
    # A district holds a million persons: counting every match of a broad search would cost more than the page.
    pagination_class = CappedCountPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Person]:
        filters: dict[str, Any] = {}
        if self.action == "list":
            params = PersonFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            filters = {
                "q": data.get("q", ""),
                "orgunit_code": data.get("orgunit", ""),
                "sex": data.get("sex", ""),
                "status": data.get("status", ""),
                "age_min": data.get("age_min"),
                "age_max": data.get("age_max"),
                "on": timezone.localdate(),
            }
        qs = persons_filtered(self.request.user, **filters)
        return with_current_household(qs).select_related("orgunit").order_by("orgunit_id", "pinyin", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page's ids first, then those persons with their households. Finding the ids needs only what the
        list-order index holds, so a broad search does not read the rows of every match to sort them."""
        page = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        ids = list(page if page is not None else self.get_queryset().values_list("pk", flat=True))
        rows = with_current_household(Person.objects.filter(pk__in=ids)).select_related("orgunit").in_bulk()
        data = self.get_serializer([rows[pk] for pk in ids], many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def get_object(self) -> Person:
        person_get(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(PersonCreateSerializer, request.data)
        household = household_get(request.user, data["household"])
        person = services.person_add(
            actor=request.user,
            household=household,
            name=data["name"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            relation=data["relation"],
            id_number=data.get("id_number") or None,
            phone=data["phone"],
            start_date=data.get("start_date"),
        )
        return Response(PersonSerializer(self.get_queryset().get(pk=person.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_get(request.user, kwargs["pk"])
        data = _valid(PersonUpdateSerializer, request.data)
        services.person_update(actor=request.user, person=person, **data)
        return Response(PersonSerializer(self.get_queryset().get(pk=person.pk)).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        summary="Record or clear the grade of a person's disability certificate (sensitive; audited)",
        request=DisabilitySerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"])
    def disability(self, request: Request, pk: str) -> Response:
        person = person_get(request.user, pk)
        data = _valid(DisabilitySerializer, request.data)
        services.disability_record(actor=request.user, person=person, grade=data["grade"], reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="See one person's resident-ID number, phone or disability grade in full (audited)",
        request=RevealSerializer,
        responses=RevealedSerializer,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        person = person_get(request.user, pk)
        data = _valid(RevealSerializer, request.data)
        value = services.person_reveal(actor=request.user, person=person, what=data["what"], reason=data["reason"])
        return Response({"what": data["what"], "value": value})


# --- life events ------------------------------------------------------------------------------------------


class LifeEventSerializer(serializers.ModelSerializer[LifeEvent]):
    orgunit: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LifeEvent
        fields = [
            "id",
            "kind",
            "date",
            "person",
            "other_person",
            "mother",
            "father",
            "child",
            "sex",
            "place",
            "birth_order",
            "household",
            "orgunit",
            "note",
        ]
        read_only_fields = fields


class LifeEventCreateSerializer(serializers.Serializer[Any]):
    """One of: marriage or divorce (person, spouse), birth (mother, father?, name, sex, id_number?), adoption (child =
    person, mother?/father?), death (person), move_out (person, place = destination), move_in (person,
    household, relation, place = origin)."""

    kind = serializers.ChoiceField(choices=EventKind.choices)
    date = serializers.DateField()
    person = _optional_ref("Whom the event is about (all kinds but birth; for adoption, the child).")
    spouse = _optional_ref("Marriage or divorce: the other spouse.")
    mother = _optional_ref("Birth: the mother (required); adoption: the adoptive mother.")
    father = _optional_ref("Birth or adoption: the father.")
    name = serializers.CharField(max_length=50, required=False, help_text="Birth: the child's name.")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, help_text="Birth: the child's sex.")
    id_number = serializers.CharField(max_length=24, required=False, allow_blank=True, allow_null=True)
    household = _optional_ref("Move in: the household joined.")
    relation = serializers.ChoiceField(choices=Relation.choices, required=False, help_text="Move in: relation to head.")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    REQUIRED = {
        EventKind.MARRIAGE: ("person", "spouse"),
        EventKind.DIVORCE: ("person", "spouse"),
        EventKind.BIRTH: ("mother", "name", "sex"),
        EventKind.ADOPTION: ("person",),
        EventKind.DEATH: ("person",),
        EventKind.MOVE_OUT: ("person",),
        EventKind.MOVE_IN: ("person", "household", "relation"),
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        missing = {f: [_("Required for a %(kind)s.") % {"kind": attrs["kind"]}] for f in self.REQUIRED[attrs["kind"]]}
        missing = {f: m for f, m in missing.items() if attrs.get(f) in (None, "")}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class LifeEventFilterSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    household = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    orgunit = serializers.RegexField(ORGUNIT_CODE, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Life events in your scope",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=EventKind.values),
            OpenApiParameter("person", OpenApiTypes.INT, description="Events about this person."),
            OpenApiParameter("household", OpenApiTypes.INT, description="Events of this household."),
            OpenApiParameter(
                "orgunit", OpenApiTypes.STR, description="Org-unit code: that unit and everything under it."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One life event"),
    create=extend_schema(
        summary="Record a life event (marriage, divorce, birth, adoption, death, move in, move out)",
        request=LifeEventCreateSerializer,
        responses={201: LifeEventSerializer},
    ),
)
class LifeEventViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[LifeEvent]
):
    serializer_class = LifeEventSerializer
    permission_classes = [HasPerm.of(Perm.REGISTRY_VIEW)]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[LifeEvent]:
        qs = events_for_user(self.request.user)
        if self.action == "list":
            params = LifeEventFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            if data.get("kind"):
                qs = qs.filter(kind=data["kind"])
            if data.get("person"):
                qs = qs.filter(person_id=data["person"])
            if data.get("household"):
                qs = qs.filter(household_id=data["household"])
            if data.get("orgunit"):
                unit = access_orgunit_by_code(self.request.user, data["orgunit"])
                qs = qs.filter(orgunit__path__startswith=unit.path)
        return qs.select_related("orgunit").order_by("-date", "-id")

    def get_object(self) -> LifeEvent:
        pk = self.kwargs["pk"]
        event = self.get_queryset().filter(pk=pk).first() if str(pk).isdigit() and int(pk) <= MAX_ID else None
        if event is None:
            raise NotFound(_("No such life event in your scope."))
        return event

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = _valid(LifeEventCreateSerializer, request.data)
        user = request.user

        def person(key: str) -> Any:
            return person_get(user, d[key]) if d.get(key) else None

        kind = d["kind"]
        if kind == EventKind.MARRIAGE:
            event = services.marriage_record(
                actor=user,
                person=person("person"),
                spouse=person("spouse"),
                date=d["date"],
                place=d["place"],
                note=d["note"],
            )
        elif kind == EventKind.DIVORCE:
            event = services.divorce_record(
                actor=user,
                person=person("person"),
                spouse=person("spouse"),
                date=d["date"],
                place=d["place"],
                note=d["note"],
            )
        elif kind == EventKind.BIRTH:
            event = services.birth_record(
                actor=user,
                mother=person("mother"),
                father=person("father"),
                date=d["date"],
                sex=d["sex"],
                name=d["name"],
                place=d["place"],
                id_number=d.get("id_number") or None,
                note=d["note"],
            )
        elif kind == EventKind.ADOPTION:
            event = services.adoption_record(
                actor=user,
                child=person("person"),
                mother=person("mother"),
                father=person("father"),
                date=d["date"],
                note=d["note"],
            )
        elif kind == EventKind.DEATH:
            event = services.death_record(
                actor=user, person=person("person"), date=d["date"], place=d["place"], note=d["note"]
            )
        elif kind == EventKind.MOVE_OUT:
            event = services.move_out_record(
                actor=user, person=person("person"), date=d["date"], destination=d["place"], note=d["note"]
            )
        else:
            event = services.move_in_record(
                actor=user,
                person=person("person"),
                household=household_get(user, d["household"]),
                relation=d["relation"],
                date=d["date"],
                origin=d["place"],
                note=d["note"],
            )
        event = LifeEvent.objects.select_related("orgunit").get(pk=event.pk)
        return Response(LifeEventSerializer(event).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


routes: list[tuple[str, Any, str]] = [
    ("households", HouseholdViewSet, "household"),
    ("persons", PersonViewSet, "person"),
    ("events", LifeEventViewSet, "lifeevent"),
]
