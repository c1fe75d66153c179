"""Masking of sensitive personal information (PIPL art. 28): shown masked by default everywhere."""

from typing import Any

MASK = "******"


def mask_id_number(value: str | None) -> str:
    """370406199001011234 -> 370406********1234 (address code and last four stay readable)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_MASKERS = {
    "id_number": mask_id_number,
    "resident_id": mask_id_number,
    "mother_id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
}


def mask_value(field: str, value: Any) -> Any:
    """Mask one field's value for display or for the audit trail; unknown sensitive fields are hidden whole."""
    if value is None or value == "":
        return value
    masker = _MASKERS.get(field)
    if masker is not None:
        return masker(str(value))
    return MASK
