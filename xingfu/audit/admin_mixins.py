from typing import Any

from django.db import transaction

from xingfu.audit.services import audit_record, field_changes


class AuditedAdminMixin:
    """Django-admin saves and deletes write an audit event like any service does.

    ``audit_sensitive_fields`` are masked in the recorded changes; ``audit_orgunit(obj)`` names the unit.
    """

    audit_sensitive_fields: tuple[str, ...] = ("password",)

    def audit_orgunit(self, obj: Any) -> Any:
        return getattr(obj, "orgunit", None) or getattr(obj, "scope", None)

    def _values(self, obj: Any, fields: list[str]) -> dict[str, Any]:
        return {f: str(getattr(obj, f, "")) for f in fields}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        fields = list(form.changed_data)
        before = None
        if change and obj.pk:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self._values(old, fields) if old else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}.{obj._meta.model_name}",
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                orgunit=self.audit_orgunit(obj),
                changes=field_changes(before, self._values(obj, fields), sensitive=self.audit_sensitive_fields),
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"admin.delete.{obj._meta.model_name}",
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                orgunit=self.audit_orgunit(obj),
            )
            super().delete_model(request, obj)  # type: ignore[misc]
