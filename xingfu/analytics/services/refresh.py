"""The analytics refresh: every active indicator, for every village, town and the district and every period of
its period types, computed set-based into a new batch that becomes current only when it is complete.

Per indicator and period type one ``INSERT … SELECT`` writes all its rows: the source's grouped query (village
× period, numerator and denominator as conditional aggregates, or a ``UNION ALL`` of two sources) joined to
the org units for the ancestor codes, and from those village figures, in the same statement, the towns' and
the district's: sums of numerators and of denominators, divided once (never an average of ratios).

The batch is built outside any long transaction so that its progress can be shown; readers ignore it until it
is marked done (one UPDATE: the atomic switch). A refresh that fails — or a process killed half-way — leaves
its rows unread, and the batch before stays current; the rows of abandoned batches are deleted later.
"""

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from xingfu.analytics.definitions import Definition, definition_of
from xingfu.analytics.models import BatchStatus, DataValue, Indicator, RefreshBatch
from xingfu.analytics.sources import SOURCES
from xingfu.analytics.sources.base import qn
from xingfu.audit.services import audit_record
from xingfu.core.errors import XingfuError
from xingfu.core.periods import Period, PeriodType
from xingfu.orgunits.models import OrgUnit

log = logging.getLogger(__name__)

# The analytics window starts here unless an indicator says otherwise (settings.XINGFU_ANALYTICS_FIRST_YEAR).
DEFAULT_FIRST_YEAR = 2014
# A batch queued or running longer than this is taken for dead (its worker stopped), and may be replaced.
STALE_AFTER = dt.timedelta(hours=2)
SIGNATURE_CACHE_SECONDS = 60
# After a data change, pages start a new refresh at most this often (with the immediate task backend a
# refresh runs inside the page's request; the figures say meanwhile that the data has changed).
AUTO_REFRESH_EVERY = dt.timedelta(minutes=5)


def first_year() -> int:
    return int(getattr(settings, "XINGFU_ANALYTICS_FIRST_YEAR", DEFAULT_FIRST_YEAR))


def today() -> dt.date:
    return timezone.localdate()


def periods_between(ptype: PeriodType, start_year: int, until: dt.date) -> list[Period]:
    """Every period of ``ptype`` from 1 January of ``start_year`` to the one containing ``until``."""
    out: list[Period] = []
    p = Period.containing(dt.date(start_year, 1, 1), ptype)
    while p.start <= until:
        out.append(p)
        p = p.next()
    return out


# --- which batch is current ------------------------------------------------------------------------------


def current_batch() -> RefreshBatch | None:
    """The latest complete refresh: the one every analytics page and API reads."""
    return RefreshBatch.objects.filter(status=BatchStatus.DONE).order_by("-id").first()


def pending_batch() -> RefreshBatch | None:
    """A refresh queued or running (and not abandoned), if any."""
    since = timezone.now() - STALE_AFTER
    return (
        RefreshBatch.objects.filter(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING], queued_at__gte=since)
        .order_by("-id")
        .first()
    )


def sources_signature() -> dict[str, Any]:
    """What the data looks like now (counts, highest ids, latest updates of every watched table, and the
    indicator definitions): a refresh records it; a difference later means the values are stale."""
    out: dict[str, Any] = {}
    for code, source in SOURCES.items():
        if source.unavailable_reason() is None:
            out[code] = source.signature()
    latest = Indicator.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    out["_indicators"] = [Indicator.objects.count(), str(latest or "")]
    return out


def is_stale(batch: RefreshBatch | None) -> bool:
    """Whether the data changed since ``batch`` read it (checked at most once a minute per process)."""
    if batch is None:
        return Indicator.objects.filter(active=True).exists()
    key = f"analytics:source_signature:{batch.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = sources_signature() != batch.source_signature
        cache.set(key, cached, SIGNATURE_CACHE_SECONDS)
    return bool(cached)


# --- SQL ------------------------------------------------------------------------------------------------

_COLUMNS = (
    "batch_id, indicator_id, orgunit_id, level, district_code, town_code, period_type, period_start, "
    "numerator, denominator, value"
)


def _value_sql(n: str, d: str, scale: str) -> str:
    """The value from a numerator and denominator: the numerator itself when there is no denominator, no value
    (NULL, "no data") when the denominator is zero."""
    return f"CASE WHEN {d} IS NULL THEN {n} * {scale} WHEN {d} <> 0 THEN ROUND({n} * 1.0 * {scale} / {d}, 4) END"


def _grouped_sql(
    definition: Definition, ptype: PeriodType, periods: Sequence[Period], until: dt.date
) -> tuple[str, list[Any], bool]:
    """The grouped query of numerator ``n`` (and denominator ``d``) by village and period."""
    num, den = definition.numerator, definition.denominator
    if den is None:
        sql, params = num.source.grouped_sql(period_type=ptype, periods=periods, until=until, columns=[("n", num)])
        return sql, params, False
    if den.source is num.source:
        sql, params = num.source.grouped_sql(
            period_type=ptype, periods=periods, until=until, columns=[("n", num), ("d", den)]
        )
        return sql, params, True
    a, pa = num.source.grouped_sql(period_type=ptype, periods=periods, until=until, columns=[("n", num)])
    b, pb = den.source.grouped_sql(period_type=ptype, periods=periods, until=until, columns=[("d", den)])
    sql = (
        "SELECT u.g_village AS g_village, u.g_period AS g_period, SUM(u.n) AS n, SUM(u.d) AS d FROM ("  # noqa: S608 - identifiers and fixed fragments only; values are parameters
        f"SELECT a.g_village AS g_village, a.g_period AS g_period, a.n AS n, 0 AS d FROM ({a}) a "
        f"UNION ALL SELECT b.g_village, b.g_period, 0, b.d FROM ({b}) b"
        ") u GROUP BY u.g_village, u.g_period"
    )
    return sql, [*pa, *pb], True


def indicator_insert_sql(
    *,
    batch_id: int,
    indicator: Indicator,
    definition: Definition,
    ptype: PeriodType,
    periods: Sequence[Period],
    until: dt.date,
) -> tuple[str, list[Any]]:
    """One statement writing an indicator's rows for every village, town and the district and every period of
    one type: the grouped village figures (``g``) joined to their ancestors once (``v``), then written as they
    are, summed by town and summed for the district (sums of numerators and denominators, divided once)."""
    inner, inner_params, has_den = _grouped_sql(definition, ptype, periods, until)
    values_table = qn(DataValue._meta.db_table)
    units = qn(OrgUnit._meta.db_table)
    # A typed NULL: a bare NULL in a CTE is text on PostgreSQL, and SUM(text) does not exist.
    d = "g.d" if has_den else "CAST(NULL AS NUMERIC)"
    scale = str(int(indicator.scale))
    head = "SELECT %s, %s, "
    sql = (
        f"INSERT INTO {values_table} ({_COLUMNS}) "  # noqa: S608 - identifiers and fixed fragments only; values are parameters
        f"WITH g AS ({inner}), "
        f"v AS (SELECT g.g_village AS vid, town.id AS tid, dist.id AS did, town.code AS tcode, dist.code AS dcode, "
        f"g.g_period AS period, g.n AS n, {d} AS d FROM g JOIN {units} vu ON vu.id = g.g_village "
        f"JOIN {units} town ON town.id = vu.parent_id JOIN {units} dist ON dist.id = town.parent_id "
        f"WHERE vu.level = 'village' AND (g.n <> 0 OR {d} <> 0)) "
        f"{head}vid, 'village', dcode, tcode, %s, period, n, d, {_value_sql('n', 'd', scale)} FROM v "
        f"UNION ALL {head}tid, 'town', MAX(dcode), tcode, %s, period, SUM(n), SUM(d), "
        f"{_value_sql('SUM(n)', 'SUM(d)', scale)} FROM v GROUP BY tid, tcode, period "
        f"UNION ALL {head}did, 'district', dcode, '', %s, period, SUM(n), SUM(d), "
        f"{_value_sql('SUM(n)', 'SUM(d)', scale)} FROM v GROUP BY did, dcode, period"
    )
    return sql, [*inner_params, *([batch_id, indicator.pk, ptype.value] * 3)]


def _execute(sql: str, params: Sequence[Any]) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Grouping a few hundred thousand rows sorts in memory rather than on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


# --- running a refresh ---------------------------------------------------------------------------------


def _plan(indicators: Sequence[Indicator]) -> tuple[list[tuple[Indicator, Definition, PeriodType]], dict[str, str]]:
    """The (indicator, definition, period type) steps to compute, and for each indicator "ok" or why not."""
    steps: list[tuple[Indicator, Definition, PeriodType]] = []
    status: dict[str, str] = {}
    for indicator in indicators:
        try:
            definition = definition_of(indicator)
        except XingfuError as exc:
            status[indicator.code] = str(exc.message)
            continue
        reasons = [r for r in (s.unavailable_reason() for s in definition.sources) if r]
        if reasons:
            status[indicator.code] = reasons[0]
            continue
        status[indicator.code] = "ok"
        for ptype in indicator.period_types:
            steps.append((indicator, definition, PeriodType(ptype)))
    return steps, status


def _progress(batch: RefreshBatch, percent: int, step: str) -> None:
    RefreshBatch.objects.filter(pk=batch.pk).update(progress=percent, step=step[:200])


def refresh_run(*, batch: RefreshBatch | None = None, reason: str = "", until: dt.date | None = None) -> RefreshBatch:
    """Recompute every active indicator into a new batch and make it the one users see.

    On failure the batch is marked failed (with the error) and its rows deleted; the previous values stay."""
    started = time.perf_counter()
    until = until or today()
    if batch is None:
        batch = RefreshBatch.objects.create(status=BatchStatus.QUEUED, reason=reason[:100])
    batch.status, batch.started_at = BatchStatus.RUNNING, timezone.now()
    batch.source_signature = sources_signature()
    batch.save(update_fields=["status", "started_at", "source_signature"])
    try:
        indicators = list(Indicator.objects.filter(active=True).order_by("order", "code"))
        steps, status = _plan(indicators)
        rows = 0
        first = dt.date(until.year, 1, 1)
        for i, (indicator, definition, ptype) in enumerate(steps):
            _progress(batch, int(99 * i / max(len(steps), 1)), f"{indicator.code} · {ptype.value}")
            periods = periods_between(ptype, indicator.first_year or first_year(), until)
            if not periods:
                continue
            first = min(first, periods[0].start)
            sql, params = indicator_insert_sql(
                batch_id=batch.pk, indicator=indicator, definition=definition, ptype=ptype, periods=periods, until=until
            )
            rows += _execute(sql, params)
        # The switch: from this UPDATE on, readers read this batch.
        finished = timezone.now()
        RefreshBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE,
            progress=100,
            step="",
            finished_at=finished,
            rows=rows,
            indicators=status,
            first_period=first,
            last_period=until,
            seconds=round(time.perf_counter() - started, 3),
        )
    except Exception as exc:
        log.exception("analytics refresh %s failed", batch.pk)
        DataValue.objects.filter(batch=batch).delete()
        RefreshBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    _drop_old_rows(keep=batch.pk)
    batch.refresh_from_db()
    return batch


def _drop_old_rows(*, keep: int) -> None:
    """Delete the rows of every batch but the new one and the one before it (a page may still be reading it)
    and of abandoned batches."""
    previous = (
        RefreshBatch.objects.filter(status=BatchStatus.DONE, id__lt=keep).order_by("-id").values_list("id", flat=True)
    ).first()
    alive = {keep} | ({previous} if previous else set())
    pending = pending_batch()
    if pending is not None:
        alive.add(pending.pk)
    DataValue.objects.exclude(batch_id__in=alive).delete()


def refresh_enqueue(*, actor: Any = None, reason: str = "") -> RefreshBatch:
    """Ask for a refresh (a task: run at once with the immediate backend, by ``xingfu db_worker`` otherwise).
    A refresh already queued or running is returned instead of starting a second one."""
    from xingfu.analytics.tasks import analytics_refresh

    pending = pending_batch()
    if pending is not None:
        return pending
    with transaction.atomic():
        batch = RefreshBatch.objects.create(status=BatchStatus.QUEUED, reason=reason[:100], requested_by=actor)
        if actor is not None:
            audit_record(actor=actor, action="analytics.refresh", object_type="analytics_refresh", object_id=batch.pk)
    result = analytics_refresh.enqueue(batch.pk)
    RefreshBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])
    batch.refresh_from_db()
    return batch


def refresh_if_stale() -> RefreshBatch | None:
    """Queue a refresh when the data changed since the current values were computed and none is pending.
    Analytics pages call it, so values follow data changes without the other modules calling analytics."""
    if pending_batch() is not None:
        return None
    latest = RefreshBatch.objects.order_by("-id").first()
    if latest is not None and latest.status == BatchStatus.FAILED and not is_stale(latest):
        return None  # the same data failed last time: wait for a change or an administrator
    current = current_batch()
    # PostgreSQL empties the (unlogged) analytics table after a crash: the batch is current but has no rows.
    lost = current is not None and current.rows > 0 and not DataValue.objects.filter(batch=current).exists()
    if not lost and not is_stale(current):
        return None
    recent = current is not None and current.finished_at and timezone.now() - current.finished_at < AUTO_REFRESH_EVERY
    if not lost and recent:
        return None
    try:
        return refresh_enqueue(reason="analytics table emptied" if lost else "data changed")
    except Exception:
        # A failed refresh is recorded on its batch; the page still shows the values it has.
        log.exception("analytics refresh after a data change failed")
        return None
