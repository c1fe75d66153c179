"""Log-ins, failed log-ins and log-outs go into the audit trail (graded protection level 3 asks for an
audit of every user's actions). Django reports them as signals; these receivers only record them."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xingfu.audit.services import audit_record


def _client(request: Any) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


@receiver(user_logged_in, dispatch_uid="xingfu_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(
        actor=user,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        orgunit=getattr(user, "scope", None),
        reason=_client(request),
    )


@receiver(user_logged_out, dispatch_uid="xingfu_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=user,
            action="auth.logout",
            object_type="user",
            object_id=user.pk,
            orgunit=getattr(user, "scope", None),
            reason=_client(request),
        )


@receiver(user_login_failed, dispatch_uid="xingfu_audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Only the username tried is kept (Django already scrubs the password from ``credentials``).
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_type="user",
        object_id=str(credentials.get("username", ""))[:64],
        reason=_client(request),
    )
