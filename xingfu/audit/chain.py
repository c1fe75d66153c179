"""Hashing of audit events. The canonical form is sorted-key JSON, so it survives any database round trip."""

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    orgunit_id: int | None,
    orgunit_path: str,
    changes: Any,
    reason: str,
    prev_hash: str,
) -> str:
    payload = {
        "seq": seq,
        "at": canonical_time(at),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "orgunit_id": orgunit_id,
        "orgunit_path": orgunit_path,
        "changes": changes,
        "reason": reason,
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
