"""Serializer fields shared by the API and the referral file.

Choice fields document their choice set as a schema component with a fixed name (``OversightFacilityKind``):
drf-spectacular otherwise names enums after the property ("kind", "status"), and the same property name with
different choice sets across the whole API makes it warn about naming collisions.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set the schema shows as the component ``enum_name``."""

    def __init__(self, choices: Any, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field: NamedChoiceField = self.target
        values = [str(value) for value in field.choices]
        schema = {
            "type": "string",
            "enum": values,
            "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice field documented as a plain string (the referral file, which repeats choice sets)."""
