"""Searching persons through the API.

``xingfu bench search --persons 1000000``: builds the demo registry of that size when the registry is empty
(``demo_registry``; otherwise the registry there is reused, whatever its size), then measures
``GET /api/persons/?q=...`` as the district administrator (the widest scope) for three kinds of query a clerk
types: the last 6 digits of a resident-ID number, a Chinese name, and pinyin ("zhang wei" or the initials
"zw"). Queries are drawn from persons in the registry with a fixed seed. The baseline is the naive search a
first attempt would write: read the scope's persons and match in Python, measured on a few queries.
"""

import argparse
import random
import time
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from bench.common import percentile, stopwatch
from xingfu.accounts.roles import Role
from xingfu.core.testing import ensure_district
from xingfu.demo.loader import demo_villages
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.demo import demo_registry
from xingfu.registry.models import Person
from xingfu.registry.pinyin import query_letters


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--persons", type=int, default=1_000_000, help="registry size to build if it is empty")
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--baseline-queries", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)


def _user() -> Any:
    User = get_user_model()
    user = User.objects.filter(username="bench_search").first()
    if user is None:
        user = User(username="bench_search", role=Role.DISTRICT_ADMIN, scope=OrgUnit.objects.get(level=Level.DISTRICT))
        user.set_unusable_password()
        user.save()
    return user


def _queries(n: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picked: list[tuple[str, str, str | None]] = []
    while len(picked) < n:
        ids = [rng.randint(1, top) for _ in range(n * 2)]
        picked += list(Person.objects.filter(id__in=ids).values_list("name", "pinyin", "id_number"))
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


def _naive(query: str) -> int:
    """Every person of the scope read and matched in Python."""
    letters = query_letters(query)
    found = 0
    for name, py, initials, number in Person.objects.values_list("name", "pinyin", "pinyin_initials", "id_number"):
        if (
            (number and number.endswith(query))
            or query in name
            or (letters and (initials.startswith(letters) or letters in py.replace(" ", "")))
        ):
            found += 1
    return found


def run(*, persons: int, queries: int, baseline_queries: int, seed: int, **_: Any) -> dict[str, Any]:
    ensure_district()
    demo_villages(seed=2026)
    built = None
    if not Person.objects.exists():
        built = demo_registry(seed=seed, persons=persons)
    total = Person.objects.count()
    client = APIClient()
    client.force_authenticate(_user())
    kinds = _queries(queries, seed)
    samples: dict[str, list[float]] = {}
    with stopwatch() as t:
        for kind, qs in kinds.items():
            samples[kind] = []
            for q in qs:
                start = time.perf_counter()
                response = client.get("/api/persons/", {"q": q}, HTTP_HOST="localhost", secure=True)
                samples[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.content[:300]
                assert response.json()["count"] >= 1, (kind, q)
    every = [s for kind in samples.values() for s in kind]
    with stopwatch() as naive:
        for q in kinds["name"][:baseline_queries]:
            _naive(q)
    naive_ms = naive["seconds"] * 1000 / max(baseline_queries, 1)
    mean_ms = sum(every) / len(every)
    result: dict[str, Any] = {
        "rows": total,
        "queries": len(every),
        "seconds": round(t["seconds"], 2),
        "p50_ms": round(percentile(every, 50), 1),
        "p95_ms": round(percentile(every, 95), 1),
        "baseline_seconds": round(naive_ms / 1000, 3),
        "speedup": round(naive_ms / mean_ms, 1),
        "via": "api",
    }
    for kind, values in samples.items():
        result[f"{kind}_p50_ms"] = round(percentile(values, 50), 1)
        result[f"{kind}_p95_ms"] = round(percentile(values, 95), 1)
    if built is not None:
        result["build_seconds"] = built.get("seconds")
    return result
