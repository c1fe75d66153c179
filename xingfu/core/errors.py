"""Errors a service raises when a request cannot be carried out.

Views and the API turn these into a clear message (pages) or a 4xx JSON body with a reason (API).
Nothing catches them to return dicts: a service either does all of its work or raises.
"""

from typing import Any


class XingfuError(Exception):
    """Base: a user-facing reason, in the user's language (pass a gettext string)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: Any, *, field: str | None = None, details: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.details = details


class ValidationFailed(XingfuError):
    status_code = 400
    code = "invalid"


class NotFound(XingfuError):
    status_code = 404
    code = "not_found"


class PermissionDenied(XingfuError):
    status_code = 403
    code = "permission_denied"


class Conflict(XingfuError):
    status_code = 409
    code = "conflict"
