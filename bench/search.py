"""Searching persons through the API.

``xingfu bench search --persons 1000000``: builds the demo registry of that size when the registry is empty
(``demo_registry``; otherwise the registry there is reused, whatever its size), then measures
``GET /api/persons/?q=...`` as the district administrator (the widest scope; ``--scope town`` for a town
officer of the first town) for three kinds of query a clerk types: the last 6 digits of a resident-ID number,
a Chinese name, and pinyin ("zhang wei" or the initials "zw"). Queries are drawn from persons in the scope
with a fixed seed. The baseline is the naive search a first attempt would write: read the scope's persons and
match in Python, measured on a few queries.

On PostgreSQL, ``--explain`` prints the plans (``EXPLAIN ANALYZE``) of the list's count and of its page's ids for
the first query of each kind and for a two-letter one, to check that the indexes serve them.
"""

import argparse
import os
import random
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from bench.common import percentile, postgres_backend_cpu_seconds, stopwatch
from xingfu.accounts.roles import Role
from xingfu.core.testing import ensure_district
from xingfu.demo.loader import demo_villages
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.demo import demo_registry
from xingfu.registry.models import Person
from xingfu.registry.pinyin import query_letters
from xingfu.registry.selectors import persons_filtered


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=1_000_000, help="registry size to build if it is empty")
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--baseline-queries", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scope", choices=["district", "town"], default="district", help="whose searches")
    parser.add_argument("--explain", action="store_true", help="print the plans of one query of each kind")


def _user(scope: str) -> Any:
    User = get_user_model()
    username, role = (
        ("bench_search", Role.DISTRICT_ADMIN) if scope == "district" else ("bench_search_town", Role.TOWN_OFFICER)
    )
    unit = OrgUnit.objects.filter(level=Level.DISTRICT if scope == "district" else Level.TOWN).order_by("code").first()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, scope=unit)
        user.set_unusable_password()
        user.save()
    return user


def _queries(user: Any, n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    persons = persons_filtered(user)
    picked: list[tuple[str, str, str | None]] = []
    while len(picked) < n:
        ids = [rng.randint(1, top) for _ in range(n * 20)]
        picked += list(persons.filter(id__in=ids).values_list("name", "pinyin", "id_number"))
    picked = picked[:n]
    pinyin = []
    for i, (_name, py, _number) in enumerate(picked):
        words = py.split()
        pinyin.append(" ".join(words) if i % 2 == 0 else "".join(w[0] for w in words))
    return {
        "id_tail": [number[-6:] for _n, _p, number in picked if number],
        "name": [name for name, _p, _n in picked],
        "pinyin": pinyin,
    }


def _naive(user: Any, query: str) -> int:
    """Every person of the scope read and matched in Python."""
    letters = query_letters(query)
    found = 0
    for name, py, initials, number in persons_filtered(user).values_list(
        "name", "pinyin", "pinyin_initials", "id_number"
    ):
        if (
            (number and number.endswith(query))
            or query in name
            or (letters and (initials.startswith(letters) or letters in py.replace(" ", "")))
        ):
            found += 1
    return found


def _explain(user: Any, kinds: dict[str, list[str]]) -> None:
    """The plans of the queries the person list runs (the count, at most 1,001 rows, and the page's ids) for
    the first query of each kind, and for the first two-letter initials (a broad search)."""
    examples = [(kind, qs[0]) for kind, qs in kinds.items()]
    examples += [("pinyin", q) for q in kinds["pinyin"] if len(q) == 2][:1]
    for kind, q in examples:
        persons = persons_filtered(user, q=q)
        print(f"--- {kind} {q!r}: count (at most 1001)")
        print(persons.order_by().values("pk")[:1001].explain(analyze=True))
        print(f"--- {kind} {q!r}: the page's ids")
        print(persons.order_by("orgunit_id", "pinyin", "id").values_list("pk", flat=True)[:50].explain(analyze=True))


def run(
    *, persons: int, queries: int, baseline_queries: int, seed: int, scope: str, explain: bool, **_: Any
) -> dict[str, Any]:
    ensure_district()
    demo_villages(seed=2026)
    built = None
    if not Person.objects.exists():
        built = demo_registry(seed=seed, persons=persons)
    total = Person.objects.count()
    user = _user(scope)
    client = APIClient()
    client.force_authenticate(user)
    kinds = _queries(user, queries, seed)
    if explain and connection.vendor == "postgresql":
        _explain(user, kinds)
    # One request unmeasured: the first one imports and sets up what every later one reuses.
    client.get("/api/persons/", {"q": "warm up"}, HTTP_HOST="localhost", secure=True)
    load_before = os.getloadavg()[0]
    samples: dict[str, list[float]] = {}
    counted_past_limit = 0
    # CPU time, unlike wall-clock time, hardly depends on what else the shared machine is doing.
    python_cpu, postgres_cpu = time.process_time(), postgres_backend_cpu_seconds()
    with stopwatch() as t:
        for kind, qs in kinds.items():
            samples[kind] = []
            for q in qs:
                start = time.perf_counter()
                response = client.get("/api/persons/", {"q": q}, HTTP_HOST="localhost", secure=True)
                samples[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.content[:300]
                body = response.json()
                assert body["count"] >= 1, (kind, q)
                counted_past_limit += not body["count_exact"]
    python_cpu = time.process_time() - python_cpu
    postgres_cpu_after = postgres_backend_cpu_seconds()
    every = [s for kind in samples.values() for s in kind]
    with stopwatch() as naive:
        for q in kinds["name"][:baseline_queries]:
            _naive(user, q)
    naive_ms = naive["seconds"] * 1000 / max(baseline_queries, 1)
    mean_ms = sum(every) / len(every)
    result: dict[str, Any] = {
        "rows": total,
        "scope": scope,
        "queries": len(every),
        "seconds": round(t["seconds"], 2),
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "baseline_seconds": round(naive_ms / 1000, 3),
        "speedup": round(naive_ms / mean_ms, 1),
        "via": "api",
        # Queries whose count stopped at the limit ("1,000+").
        "counts_capped": counted_past_limit,
        "load_avg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "python_cpu_ms_per_query": round(python_cpu * 1000 / len(every), 1),
    }
    if postgres_cpu is not None and postgres_cpu_after is not None:
        result["postgres_cpu_ms_per_query"] = round((postgres_cpu_after - postgres_cpu) * 1000 / len(every), 1)
    for kind, values in samples.items():
        result[f"{kind}_p50_ms"] = round(percentile(values, 50), 1)
        result[f"{kind}_p95_ms"] = round(percentile(values, 95), 1)
    if built is not None:
        result["build_seconds"] = built.get("seconds")
    return result
