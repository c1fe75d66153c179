"""Audit-trail writes and chain verification.

``xingfu bench audit --events 20000``: appending events through ``audit_record`` (one chained insert
each) and verifying the whole chain, beside a naive baseline that recomputes every event's hash
with one query per event.
"""

import argparse
from typing import Any

from django.db import transaction

from bench.common import stopwatch
from xingfu.audit.chain import event_hash
from xingfu.audit.models import AuditEvent
from xingfu.audit.services import audit_record
from xingfu.audit.verify import audit_chain_verify


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=20_000)


def _naive_verify(sample: int) -> float:
    """One query per event, as a first attempt would do; measured on a sample."""
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[:sample])
    with stopwatch() as t:
        for seq in seqs:
            e = AuditEvent.objects.get(seq=seq)
            event_hash(
                seq=e.seq,
                at=e.at,
                actor_id=e.actor_id,
                actor_username=e.actor_username,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                orgunit_id=e.orgunit_id,
                orgunit_path=e.orgunit_path,
                changes=e.changes,
                reason=e.reason,
                prev_hash=e.prev_hash,
            )
    return t["seconds"] * (AuditEvent.objects.count() / max(len(seqs), 1))


def run(*, events: int, **_: Any) -> dict[str, Any]:
    with stopwatch() as write, transaction.atomic():
        for i in range(events):
            audit_record(
                actor=None,
                action="bench.event",
                object_type="bench",
                object_id=i,
                changes={"n": {"before": i - 1, "after": i}},
            )
    with stopwatch() as verify:
        report = audit_chain_verify()
    assert report.ok, report.problem
    baseline = _naive_verify(min(2000, report.checked))
    return {
        "rows": events,
        "seconds": round(verify["seconds"], 3),
        "write_seconds": round(write["seconds"], 3),
        "writes_per_second": round(events / write["seconds"]),
        "baseline_seconds": round(baseline, 3),
        "speedup": round(baseline / verify["seconds"], 1),
    }
