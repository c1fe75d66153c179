"""Writing to the audit trail. Every service that changes data calls ``audit_record`` inside its own
transaction, so the change and its audit row commit or roll back together."""

import json
from collections.abc import Collection, Mapping
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from xingfu.audit.chain import GENESIS_HASH, event_hash
from xingfu.audit.models import AuditChainHead, AuditEvent
from xingfu.core.masking import mask_value


class _HasPath(Protocol):
    id: int
    path: str


def _plain(value: Any) -> Any:
    """Dates, Decimals and the like as JSON strings, so the hash is the same before and after storing."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    *,
    sensitive: Collection[str] = (),
) -> dict[str, dict[str, Any]]:
    """``{field: {"before": x, "after": y}}`` for the fields that differ, sensitive values masked."""
    before = before or {}
    changes: dict[str, dict[str, Any]] = {}
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if field in sensitive:
            old, new = mask_value(field, old), mask_value(field, new)
        changes[field] = {"before": old, "after": new}
    return _plain(changes)


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    orgunit: _HasPath | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the trail, chained to the one before it.

    ``actor`` is a user (or None for the system); ``changes`` should come from ``field_changes`` so
    that sensitive values are already masked.
    """
    # The head row is the chain's lock: writers queue here, so seq has no gaps and no forks.
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        head = AuditChainHead.objects.create(id=1, last_seq=0, last_hash=GENESIS_HASH)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_username = getattr(actor, "username", "") if actor is not None else ""
    fields = {
        "seq": head.last_seq + 1,
        "at": timezone.now(),
        "actor_id": actor_id,
        "actor_username": actor_username or "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else "",
        "orgunit_id": orgunit.id if orgunit is not None else None,
        "orgunit_path": orgunit.path if orgunit is not None else "",
        "changes": _plain(dict(changes or {})),
        "reason": reason,
        "prev_hash": head.last_hash,
    }
    digest = event_hash(**fields)
    event = AuditEvent(hash=digest, **fields)
    event.save()
    AuditChainHead.objects.filter(id=1).update(last_seq=event.seq, last_hash=digest)
    return event


def audit_sensitive_read(
    *,
    actor: Any,
    what: str,
    object_type: str,
    object_id: object,
    orgunit: _HasPath | None,
    reason: str = "",
) -> AuditEvent:
    """Record that ``actor`` saw sensitive data in full (a resident-ID number, health results, a
    reporter's contact). ``what`` names the data, e.g. ``id_number``; the action is ``read.<what>``."""
    return audit_record(
        actor=actor,
        action=f"read.{what}",
        object_type=object_type,
        object_id=object_id,
        orgunit=orgunit,
        reason=reason,
    )
