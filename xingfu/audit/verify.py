"""Verification of the audit chain: walk it in order and report the first broken link."""

from dataclasses import dataclass

from xingfu.audit.chain import GENESIS_HASH, event_hash
from xingfu.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


def audit_chain_verify() -> ChainReport:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    events = AuditEvent.objects.order_by("seq").values_list(
        "seq",
        "at",
        "actor_id",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "orgunit_id",
        "orgunit_path",
        "changes",
        "reason",
        "prev_hash",
        "hash",
    )
    for row in events.iterator(chunk_size=2000):
        (
            seq,
            at,
            actor_id,
            actor_username,
            action,
            object_type,
            object_id,
            orgunit_id,
            orgunit_path,
            changes,
            reason,
            stored_prev,
            stored_hash,
        ) = row
        if seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event #{expected_seq} is missing (next is #{seq})")
        if stored_prev != prev_hash:
            return ChainReport(False, checked, seq, f"event #{seq} does not follow event #{seq - 1}")
        recomputed = event_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_username=actor_username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            orgunit_id=orgunit_id,
            orgunit_path=orgunit_path,
            changes=changes,
            reason=reason,
            prev_hash=stored_prev,
        )
        if recomputed != stored_hash:
            return ChainReport(False, checked, seq, f"event #{seq} was altered after it was written")
        prev_hash = stored_hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != checked or head.last_hash != prev_hash):
        return ChainReport(
            False, checked, checked + 1, f"the chain ends at #{checked} but the head records #{head.last_seq}"
        )
    return ChainReport(True, checked)
