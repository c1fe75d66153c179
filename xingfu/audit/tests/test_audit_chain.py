from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from xingfu.audit.models import AuditEvent
from xingfu.audit.services import audit_record, audit_sensitive_read, field_changes
from xingfu.audit.verify import audit_chain_verify
from xingfu.core.append_only import AppendOnlyError


def _write_events(n: int, unit: Any) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            action="test.write",
            object_type="thing",
            object_id=i,
            orgunit=unit,
            changes=field_changes({"n": i - 1}, {"n": i}),
        )
        for i in range(n)
    ]


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _disable_append_only_trigger() -> None:
    """What someone with direct database access could do; the chain must still expose the change."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_append_only")


def test_an_untouched_chain_verifies(village: Any) -> None:
    _write_events(5, village)
    assert "audit chain OK" in _verify()


def test_events_are_numbered_without_gaps_and_chained(village: Any) -> None:
    events = _write_events(3, village)
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 3))
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash


def test_altering_one_row_in_the_database_breaks_verify_at_that_row(village: Any) -> None:
    events = _write_events(5, village)
    target = events[2]
    _disable_append_only_trigger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["edited later", target.seq])
    with pytest.raises(CommandError) as failure:
        _verify()
    assert f"#{target.seq}" in str(failure.value)
    assert "altered" in str(failure.value)


def test_deleting_a_row_breaks_verify_at_the_missing_row(village: Any) -> None:
    events = _write_events(4, village)
    _disable_append_only_trigger()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    report = audit_chain_verify()
    assert not report.ok and report.broken_seq == events[1].seq
    assert "missing" in report.problem


def test_cutting_off_the_newest_rows_is_caught_by_the_head(village: Any) -> None:
    events = _write_events(4, village)
    _disable_append_only_trigger()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [events[2].seq])
    report = audit_chain_verify()
    assert not report.ok and report.broken_seq == events[2].seq


def test_the_orm_refuses_to_change_or_delete_events(village: Any) -> None:
    event = _write_events(1, village)[0]
    event.reason = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=event.seq).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_even_bypassing_the_orm(village: Any) -> None:
    event = _write_events(1, village)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE seq = %s", [event.seq])
    assert AuditEvent.objects.get(seq=event.seq).reason == ""


def test_sensitive_values_are_masked_in_recorded_changes(village: Any) -> None:
    changes = field_changes(
        {"id_number": None, "phone": "13812345678", "name": "张伟"},
        {"id_number": "370406199001011234", "phone": "13987654321", "name": "张伟"},
        sensitive={"id_number", "phone"},
    )
    event = audit_record(actor=None, action="person.update", orgunit=village, changes=changes)
    stored = AuditEvent.objects.get(seq=event.seq).changes
    assert stored == {
        "id_number": {"before": None, "after": "370406********1234"},
        "phone": {"before": "138****5678", "after": "139****4321"},
    }
    assert "name" not in stored  # unchanged fields are not recorded


def test_a_sensitive_read_is_recorded_with_who_and_what(village_worker: Any, village: Any) -> None:
    audit_sensitive_read(actor=village_worker, what="id_number", object_type="person", object_id=42, orgunit=village)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor_username, event.object_id, event.orgunit_path) == (
        "read.id_number",
        "worker",
        "42",
        village.path,
    )


def test_a_rolled_back_change_leaves_no_audit_row(village: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rollback", orgunit=village)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify().ok
