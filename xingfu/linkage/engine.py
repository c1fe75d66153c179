"""The linkage model: Splink (Fellegi–Sunter) on an in-process DuckDB, trained on each run's own data.

Both sides arrive as Arrow tables with the columns of ``INPUT_SCHEMA``; the app builds them from an uploaded
list and the registry in the user's scope, the benchmark from generated data, and both call ``link`` and
``deduplicate`` here, so what is measured is what runs.

How a run decides:
- **certain**: the resident-ID number is exactly the same (and of the same kind: a mother's number is only
  ever compared with the registry's women). No model needed.
- **probable**: the best-scoring registry record for a list row, if its match probability reaches
  ``probable_at``. The probability comes from weights *trained on the data*: ``u`` (how often a level
  occurs between two different people) by random sampling of pairs, ``m`` (how often it occurs between two
  records of one person) by expectation maximisation over blocked pairs, and the prior odds of a match
  from deterministic rules (exact ID number; same name and birth date).
- everything else is **no match**.

Names are compared in characters and in sound (``COMPARISON_SQL`` below): exact characters, the same
pinyin written with other characters (homophones: 张伟/章伟), the same characters in another order, then
Jaro–Winkler on the pinyin. Nothing is fetched from the network: the DuckDB connection has extension
auto-install switched off and every function used is built in.
"""

import logging
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext_noop
from splink import DuckDBAPI, Linker, SettingsCreator

logger = logging.getLogger(__name__)

HOSPITAL_BIRTHS = "hospital_births"
HOUSEHOLD_EXTRACT = "household_extract"
DEDUPLICATION = "deduplication"

# The columns both sides carry. ``event_date`` is the birth on a hospital list (the mother is the one matched);
# ``mother`` is the registry's mother of a person (deduplication), ``births`` the dates a registry woman gave
# birth on; ``pinyin`` is the compact pinyin.
INPUT_SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("name", pa.string()),
        ("pinyin", pa.string()),
        ("id_number", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("village", pa.string()),
        ("town", pa.string()),
        ("address", pa.string()),
        ("event_date", pa.date32()),
        ("mother", pa.int64()),
        ("births", pa.list_(pa.date32())),
    ]
)
COLUMNS = [f.name for f in INPUT_SCHEMA]

ProgressFn = Callable[[str, int], None]


def input_table(rows: Iterable[Sequence[Any]]) -> pa.Table:
    """An input table from row tuples in the order of ``COLUMNS``."""
    columns: list[list[Any]] = [[] for _ in COLUMNS]
    for row in rows:
        for i, value in enumerate(row):
            columns[i].append(value)
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, INPUT_SCHEMA, strict=True)], schema=INPUT_SCHEMA
    )


# --- the comparisons -----------------------------------------------------------------------------------------
# Each level: (SQL condition, label, what it means for a reviewer). "agree" / "partial" / "disagree" /
# "missing" drive the ticks on the review page; the weights themselves come from training.

AGREE, PARTIAL, DISAGREE, MISSING = "agree", "partial", "disagree", "missing"

Level = tuple[str, str, str]

_NAME: list[Level] = [
    ("name_l IS NULL OR name_r IS NULL", gettext_noop("name missing"), MISSING),
    ("name_l = name_r", gettext_noop("same characters"), AGREE),
    ("pinyin_l = pinyin_r", gettext_noop("same pinyin, other characters"), PARTIAL),
    ("name_sorted_l = name_sorted_r", gettext_noop("same characters, another order"), PARTIAL),
    ("jaro_winkler_similarity(pinyin_l, pinyin_r) >= 0.92", gettext_noop("pinyin nearly the same"), PARTIAL),
    ("jaro_winkler_similarity(pinyin_l, pinyin_r) >= 0.8", gettext_noop("pinyin similar"), PARTIAL),
    ("TRUE", gettext_noop("different"), DISAGREE),
]
_ID_NUMBER: list[Level] = [
    ("id_number_l IS NULL OR id_number_r IS NULL", gettext_noop("ID number missing"), MISSING),
    ("id_number_l = id_number_r", gettext_noop("same ID number"), AGREE),
    # hamming rather than Damerau–Levenshtein: forty times faster in DuckDB, and a typed number keeps its length.
    ("hamming(id_number_l, id_number_r) <= 1", gettext_noop("one character wrong"), PARTIAL),
    (
        "hamming(id_number_l, id_number_r) = 2 AND id_sorted_l = id_sorted_r",
        gettext_noop("two characters swapped"),
        PARTIAL,
    ),
    ("TRUE", gettext_noop("different"), DISAGREE),
]
_BIRTH_DATE: list[Level] = [
    ("birth_date_l IS NULL OR birth_date_r IS NULL", gettext_noop("birth date missing"), MISSING),
    ("birth_date_l = birth_date_r", gettext_noop("same date"), AGREE),
    ("hamming(birth_ymd_l, birth_ymd_r) <= 1", gettext_noop("one digit wrong"), PARTIAL),
    (
        "year(birth_date_l) = year(birth_date_r) AND month(birth_date_l) = day(birth_date_r) "
        "AND day(birth_date_l) = month(birth_date_r)",
        gettext_noop("day and month swapped"),
        PARTIAL,
    ),
    ("abs(date_diff('day', birth_date_l, birth_date_r)) <= 31", gettext_noop("within a month"), PARTIAL),
    ("TRUE", gettext_noop("different"), DISAGREE),
]
_SEX: list[Level] = [
    ("sex_l IS NULL OR sex_r IS NULL", gettext_noop("sex missing"), MISSING),
    ("sex_l = sex_r", gettext_noop("same sex"), AGREE),
    ("TRUE", gettext_noop("different"), DISAGREE),
]
_PLACE: list[Level] = [
    (
        "(village_l IS NULL OR village_r IS NULL) AND (address_l IS NULL OR address_r IS NULL)",
        gettext_noop("place missing"),
        MISSING,
    ),
    ("village_l = village_r OR address_l = address_r", gettext_noop("same village or address"), AGREE),
    ("jaro_winkler_similarity(address_l, address_r) >= 0.9", gettext_noop("address nearly the same"), PARTIAL),
    ("town_l = town_r", gettext_noop("same town"), PARTIAL),
    ("TRUE", gettext_noop("different"), DISAGREE),
]
# Whether the registry woman gave birth around the day on the list. Most births on a list are registered, so
# this tells the one 王秀英 from the others when nothing else does; training learns how often a true mother's
# birth is missing (the births this linkage is there to find), so that absence counts against her only so much.
_BIRTH_NEAR: list[Level] = [
    ("event_date_l IS NULL", gettext_noop("no birth on the list"), MISSING),
    (
        "len(list_filter(coalesce(births_r, []::DATE[]), lambda d: abs(date_diff('day', d, event_date_l)) <= 3)) > 0",
        gettext_noop("registered birth within 3 days"),
        AGREE,
    ),
    ("TRUE", gettext_noop("no registered birth then"), DISAGREE),
]
_MOTHER: list[Level] = [
    ("mother_l IS NULL OR mother_r IS NULL", gettext_noop("mother not recorded"), MISSING),
    ("mother_l = mother_r", gettext_noop("same mother"), AGREE),
    ("TRUE", gettext_noop("different mothers"), DISAGREE),
]

COMPARISONS: dict[str, list[tuple[str, list[Level]]]] = {
    HOUSEHOLD_EXTRACT: [
        ("name", _NAME),
        ("id_number", _ID_NUMBER),
        ("birth_date", _BIRTH_DATE),
        ("sex", _SEX),
        ("place", _PLACE),
    ],
    # A hospital's list names the mother: her name, number, birth date (given, or read from a valid number)
    # and, sometimes, her address. Sex is not compared: only the registry's women are candidates.
    HOSPITAL_BIRTHS: [
        ("name", _NAME),
        ("id_number", _ID_NUMBER),
        ("birth_date", _BIRTH_DATE),
        ("place", _PLACE),
        ("birth", _BIRTH_NEAR),
    ],
    # Two registry records of one person: the number is no help (it is unique where present, and a pair with
    # two different numbers is never proposed), but a birth event naming the same mother is.
    DEDUPLICATION: [
        ("name", _NAME),
        ("birth_date", _BIRTH_DATE),
        ("sex", _SEX),
        ("place", _PLACE),
        ("mother", _MOTHER),
    ],
}

# Which pairs are scored at all. Each rule alone lets through the pairs that agree on it, so a row with a
# mistyped name is still found by its birth date, one with a mistyped date by its name, and one with both
# by its ID number (or its first fourteen characters, place and birth date; or its last four and the surname).
BLOCKING: dict[str, list[str]] = {
    HOUSEHOLD_EXTRACT: [
        "l.id_number = r.id_number",
        "l.birth_date = r.birth_date",
        "l.pinyin = r.pinyin AND l.birth_year = r.birth_year",
        "l.pinyin = r.pinyin AND l.town = r.town",
        "l.pinyin = r.pinyin AND l.birth_date IS NULL",
        "l.id_tail = r.id_tail AND l.surname = r.surname",
        "l.id_head = r.id_head",
        "l.name_sorted = r.name_sorted AND l.birth_year = r.birth_year",
    ],
    HOSPITAL_BIRTHS: [
        "l.id_number = r.id_number",
        "l.birth_date = r.birth_date",
        "l.pinyin = r.pinyin",
        "l.name_sorted = r.name_sorted",
        "l.id_tail = r.id_tail AND l.surname = r.surname",
        "l.id_head = r.id_head",
    ],
    DEDUPLICATION: [
        "l.birth_date = r.birth_date",
        "l.pinyin = r.pinyin AND l.birth_year = r.birth_year",
        "l.mother = r.mother AND l.sex = r.sex",
    ],
}

# Expectation maximisation runs once per rule: each trains the comparisons the rule does not fix.
EM_BLOCKING: dict[str, list[str]] = {
    HOUSEHOLD_EXTRACT: ["l.birth_date = r.birth_date", "l.pinyin = r.pinyin AND l.birth_year = r.birth_year"],
    HOSPITAL_BIRTHS: ["l.birth_date = r.birth_date", "l.pinyin = r.pinyin"],
    DEDUPLICATION: ["l.birth_date = r.birth_date", "l.pinyin = r.pinyin AND l.birth_year = r.birth_year"],
}

# Pairs so alike that they are almost surely one person: they set the prior odds of a match.
DETERMINISTIC: dict[str, list[str]] = {
    HOUSEHOLD_EXTRACT: ["l.id_number = r.id_number", "l.name = r.name AND l.birth_date = r.birth_date"],
    HOSPITAL_BIRTHS: ["l.id_number = r.id_number", "l.name = r.name AND l.birth_date = r.birth_date"],
    DEDUPLICATION: ["l.name = r.name AND l.birth_date = r.birth_date AND l.sex = r.sex"],
}
DETERMINISTIC_RECALL = 0.8

# Below this a pair is not even kept for ranking.
SCORE_FLOOR = 0.01
# Pairs sampled for u, and the most blocked pairs one EM session iterates over.
U_PAIRS = 5e6
EM_PAIRS = 3e6
PROBABLE_AT = 0.5


@dataclass
class Match:
    left: int
    right: int
    weight: float | None
    probability: float | None
    # comparison name -> index of the level in COMPARISONS (0 = the null level), for labels and ticks
    levels: dict[str, int] = field(default_factory=dict)


@dataclass
class Outcome:
    certain: list[Match]
    probable: list[Match]
    unmatched: list[int]
    parameters: dict[str, Any]
    seconds: dict[str, float]


def level_info(kind: str, comparison: str, index: int) -> tuple[str, str]:
    """(label, agree/partial/disagree/missing) of a level, for pages and the API."""
    for name, levels in COMPARISONS[kind]:
        if name == comparison and 0 <= index < len(levels):
            return levels[index][1], levels[index][2]
    return "", MISSING


# --- the connection ------------------------------------------------------------------------------------------


def connect(*, threads: int = 2, memory_limit: str = "6GB", temp_dir: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never reaches for the network (no extension auto-install) and spills to a
    temporary directory of ours rather than the working directory."""
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "threads": threads,
        "memory_limit": memory_limit,
    }
    if temp_dir:
        config["temp_directory"] = temp_dir
    return duckdb.connect(":memory:", config=config)


_PREPARE = """
CREATE OR REPLACE TABLE {name} AS
SELECT
    unique_id,
    nullif(name, '') AS name,
    nullif(pinyin, '') AS pinyin,
    substr(nullif(name, ''), 1, 1) AS surname,
    array_to_string(list_sort(string_split(nullif(name, ''), '')), '') AS name_sorted,
    -- padded to 18 so that hamming() always compares equal lengths
    rpad(nullif(id_number, ''), 18, '_') AS id_number,
    array_to_string(list_sort(string_split(nullif(id_number, ''), '')), '') AS id_sorted,
    right(nullif(id_number, ''), 4) AS id_tail,
    substr(nullif(id_number, ''), 1, 14) AS id_head,
    birth_date,
    strftime(birth_date, '%Y%m%d') AS birth_ymd,
    year(birth_date) AS birth_year,
    nullif(sex, '') AS sex,
    nullif(village, '') AS village,
    nullif(town, '') AS town,
    nullif(address, '') AS address,
    event_date,
    mother,
    births
FROM {source} {where}
"""


def _prepare(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, where: str = "") -> int:
    con.register(f"{name}_arrow", table)
    con.execute(_PREPARE.format(name=name, source=f"{name}_arrow", where=where))
    con.unregister(f"{name}_arrow")
    return _scalar(con, f"SELECT count(*) FROM {name}")  # noqa: S608 - our own table names


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


# --- the model -----------------------------------------------------------------------------------------------


def _settings(kind: str, link_type: str, prior: float) -> SettingsCreator:
    comparisons: list[Any] = []
    for name, levels in COMPARISONS[kind]:
        comparison_levels: list[dict[str, Any]] = []
        for i, (sql, label, meaning) in enumerate(levels):
            level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
            if i == 0:
                level["is_null_level"] = True
            elif meaning == AGREE:
                # Starting values for EM only; training replaces them wherever the data allow.
                level["m_probability"] = 0.8
            comparison_levels.append(level)
        comparisons.append({"output_column_name": name, "comparison_levels": comparison_levels})
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=list[Any](BLOCKING[kind]),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        probability_two_random_records_match=prior,
        max_iterations=20,
    )


def _prior(con: duckdb.DuckDBPyConnection, kind: str, left: str, right: str, pairs_possible: float) -> float:
    """The prior probability that two random records are one person, estimated as Splink's
    ``estimate_probability_two_random_records_match`` does (pairs found by deterministic rules, divided by
    their assumed recall and by all possible pairs) but kept within (0, 0.5] so that a tiny list or one with
    no deterministic pair still gives a usable model."""
    dedupe = left == right
    parts = [
        f"SELECT l.unique_id AS a, r.unique_id AS b FROM {left} l JOIN {right} r ON {rule}"  # noqa: S608
        + (" WHERE l.unique_id < r.unique_id" if dedupe else "")
        for rule in DETERMINISTIC[kind]
    ]
    found = _scalar(con, f"SELECT count(*) FROM ({' UNION '.join(parts)})")  # noqa: S608 - our own rules
    return min(0.5, max(found, 1) / DETERMINISTIC_RECALL / max(pairs_possible, 1.0))


def _train(
    linker: Linker, kind: str, pairs_possible: float, note: Callable[[str], None], seconds: dict[str, float]
) -> None:
    """u by random sampling, m by EM; steps the data cannot support (a tiny list, a rule no pair satisfies)
    are skipped and said so in the run's parameters."""
    started = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_PAIRS, max(pairs_possible, 1.0)), seed=7)
    seconds["train_u"] = time.perf_counter() - started
    for i, rule in enumerate(EM_BLOCKING[kind]):
        started = time.perf_counter()
        # Splink narrows the model's comparisons for a session and restores them only when it succeeds, so a
        # session that fails (a rule admitting no pair, on a tiny list) must not leave the model narrowed.
        settings = linker._settings_obj
        before = settings.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_PAIRS)
        except Exception as exc:  # Splink raises plain exceptions when a rule admits no pair
            settings.core_model_settings = before
            note(f"EM on [{rule}] skipped ({exc.__class__.__name__}: {str(exc)[:120]})")
        seconds[f"train_em_{i + 1}"] = time.perf_counter() - started


def _parameters(linker: Linker, kind: str, notes: list[str]) -> dict[str, Any]:
    model = linker.misc.save_model_to_json()
    comparisons = []
    for (name, levels), trained in zip(COMPARISONS[kind], model["comparisons"], strict=True):
        rows = []
        for (_sql, label, meaning), level in zip(levels, trained["comparison_levels"], strict=True):
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = None
            if isinstance(m, int | float) and isinstance(u, int | float) and m > 0 and u > 0:
                weight = round(math.log2(m / u), 2)
            rows.append(
                {
                    "label": label,
                    "meaning": meaning,
                    "m": m if isinstance(m, int | float) else None,
                    "u": u if isinstance(u, int | float) else None,
                    "weight": weight,
                }
            )
        comparisons.append({"comparison": name, "levels": rows})
    return {
        "kind": kind,
        "probability_two_random_records_match": model.get("probability_two_random_records_match"),
        "probable_at": PROBABLE_AT,
        "comparisons": comparisons,
        "notes": notes,
    }


def _gamma_to_index(kind: str) -> dict[str, dict[int, int]]:
    """Splink numbers a comparison's levels -1 (null), then n-1 for the first non-null level down to 0."""
    mapping = {}
    for name, levels in COMPARISONS[kind]:
        n = len(levels) - 1
        mapping[name] = {-1: 0, **{n - i: i for i in range(1, len(levels))}}
    return mapping


def _matches(con: duckdb.DuckDBPyConnection, sql: str, kind: str) -> list[Match]:
    gammas = _gamma_to_index(kind)
    names = [name for name, _ in COMPARISONS[kind]]
    out = []
    for row in con.execute(sql).fetchall():
        left, right, weight, probability, *levels = row
        out.append(
            Match(
                left=int(left),
                right=int(right),
                weight=None if weight is None else round(float(weight), 3),
                probability=None if probability is None else float(probability),
                levels={
                    name: gammas[name].get(int(g), 0) if g is not None else 0
                    for name, g in zip(names, levels, strict=True)
                },
            )
        )
    return out


class _Notes(logging.Handler):
    """Splink's warnings (a level never seen in the data, say) go into the run's notes, not the server log."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        if message and message not in self.notes and len(self.notes) < 50:
            self.notes.append(message)


class _Session:
    """One DuckDB connection, its temporary spill directory, and Splink's warnings caught as notes."""

    def __init__(self, threads: int, memory_limit: str, notes: list[str]) -> None:
        self.temp_dir = tempfile.mkdtemp(prefix="xingfu-linkage-")
        self.con = connect(threads=threads, memory_limit=memory_limit, temp_dir=self.temp_dir)
        self.splink_logger = logging.getLogger("splink")
        self.handler = _Notes(notes)
        self.propagate = self.splink_logger.propagate
        self.splink_logger.addHandler(self.handler)
        self.splink_logger.propagate = False

    def close(self) -> None:
        self.splink_logger.removeHandler(self.handler)
        self.splink_logger.propagate = self.propagate
        self.con.close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def link(
    *,
    kind: str,
    outside: pa.Table,
    registry: pa.Table,
    progress: ProgressFn | None = None,
    probable_at: float = PROBABLE_AT,
    per_record: int = 3,
    threads: int = 2,
    memory_limit: str = "6GB",
) -> Outcome:
    """Link an outside list (``outside``) to the registry (``registry``): certain matches by ID number, the
    probable registry records of every other row (up to ``per_record``, best first), and the rows with none."""
    if kind not in (HOSPITAL_BIRTHS, HOUSEHOLD_EXTRACT):
        raise ValueError(f"not a list kind: {kind}")
    report = progress or (lambda step, percent: None)
    seconds: dict[str, float] = {}
    notes: list[str] = []
    session = _Session(threads, memory_limit, notes)
    con = session.con
    try:
        started = time.perf_counter()
        report("preparing", 5)
        n_left = _prepare(con, "outside", outside)
        # A mother's number is compared with the registry's women only, never with a man or a child's record.
        n_right = _prepare(con, "registry", registry, "WHERE sex = 'F'" if kind == HOSPITAL_BIRTHS else "")
        seconds["prepare"] = time.perf_counter() - started

        if n_left == 0 or n_right == 0:
            ids = [int(r[0]) for r in con.execute("SELECT unique_id FROM outside").fetchall()]
            return Outcome([], [], ids, _empty_parameters(kind, notes), seconds)

        started = time.perf_counter()
        report("training", 15)
        pairs = float(n_left) * float(n_right)
        prior = _prior(con, kind, "outside", "registry", pairs)
        db_api = DuckDBAPI(con)
        linker = Linker(
            [db_api.register("outside"), db_api.register("registry")],
            _settings(kind, "link_only", prior),
            log_level=None,
        )
        _train(linker, kind, pairs, notes.append, seconds)
        seconds["train"] = time.perf_counter() - started

        started = time.perf_counter()
        report("scoring", 55)
        predictions = linker.inference.predict(threshold_match_probability=SCORE_FLOOR, warning_mode="never")
        con.execute(f"CREATE OR REPLACE TABLE scored AS SELECT * FROM {predictions.physical_name}")  # noqa: S608
        seconds["predict"] = time.perf_counter() - started

        started = time.perf_counter()
        report("ranking", 85)
        con.execute(_CERTAIN_PAIRS.format(plausible=_plausible_sql(kind)))
        certain = _matches(con, _certain_sql(kind), kind)
        probable = _matches(con, _probable_sql(kind, probable_at, per_record), kind)
        matched = {m.left for m in certain} | {m.left for m in probable}
        unmatched = [int(r[0]) for r in con.execute("SELECT unique_id FROM outside ORDER BY unique_id").fetchall()]
        unmatched = [uid for uid in unmatched if uid not in matched]
        parameters = _parameters(linker, kind, notes)
        parameters["pairs_scored"] = _scalar(con, "SELECT count(*) FROM scored")
        seconds["rank"] = time.perf_counter() - started
        return Outcome(certain, probable, unmatched, parameters, seconds)
    finally:
        session.close()


def _level_columns(kind: str) -> str:
    return ", ".join(f"s.gamma_{name}" for name, _ in COMPARISONS[kind])


# Exact ID-number pairs that can be one person: on a birth list a number that is a registry girl's (a child's
# number typed in the mother's column) is no mother's, however exactly it agrees.
_CERTAIN_PAIRS = """
CREATE OR REPLACE TABLE certain_pairs AS
SELECT o.unique_id AS l, r.unique_id AS r
FROM outside o JOIN registry r ON o.id_number = r.id_number
WHERE {plausible}
"""


def _certain_sql(kind: str) -> str:
    """The certain pairs, with their scores when the model scored them (it always does, unless the list was
    too small to train on)."""
    levels = ", ".join(f"s.gamma_{name}" for name, _ in COMPARISONS[kind])
    return f"""
        SELECT c.l, c.r, s.match_weight, s.match_probability, {levels}
        FROM certain_pairs c
        LEFT JOIN scored s ON s.unique_id_l = c.l AND s.unique_id_r = c.r
        ORDER BY c.l, c.r
    """  # noqa: S608 - our own table and column names


def _plausible_sql(kind: str) -> str:
    """Pairs that cannot be one person (or mother) whatever their score: a mother aged under 13 or over 55 at
    the birth on the list."""
    if kind == HOSPITAL_BIRTHS:
        return (
            "(o.event_date IS NULL OR (r.birth_date <= o.event_date - INTERVAL 13 YEAR "
            "AND r.birth_date >= o.event_date - INTERVAL 55 YEAR))"
        )
    return "TRUE"


def _probable_sql(kind: str, probable_at: float, per_record: int) -> str:
    return f"""
        SELECT s.unique_id_l, s.unique_id_r, s.match_weight, s.match_probability, {_level_columns(kind)}
        FROM scored s
        JOIN outside o ON o.unique_id = s.unique_id_l
        JOIN registry r ON r.unique_id = s.unique_id_r
        WHERE {_plausible_sql(kind)}
          AND s.unique_id_l NOT IN (SELECT l FROM certain_pairs)
        QUALIFY row_number() OVER (PARTITION BY s.unique_id_l ORDER BY s.match_weight DESC, s.unique_id_r)
                <= {int(per_record)}
            AND s.match_probability >= {float(probable_at)!r}
        ORDER BY s.unique_id_l, s.match_weight DESC, s.unique_id_r
    """  # noqa: S608 - our own table and column names


def _empty_parameters(kind: str, notes: list[str]) -> dict[str, Any]:
    notes.append("nothing to compare: one side is empty")
    return {"kind": kind, "comparisons": [], "notes": notes, "probable_at": PROBABLE_AT}


def deduplicate(
    *,
    registry: pa.Table,
    progress: ProgressFn | None = None,
    probable_at: float = PROBABLE_AT,
    threads: int = 2,
    memory_limit: str = "6GB",
) -> Outcome:
    """Pairs of registry records that are probably one person. Pairs whose two records carry two different
    ID numbers are never proposed: a merge of those is refused anyway (``person_merge``)."""
    kind = DEDUPLICATION
    report = progress or (lambda step, percent: None)
    seconds: dict[str, float] = {}
    notes: list[str] = []
    session = _Session(threads, memory_limit, notes)
    con = session.con
    try:
        started = time.perf_counter()
        report("preparing", 5)
        n = _prepare(con, "registry", registry)
        seconds["prepare"] = time.perf_counter() - started
        if n < 2:
            return Outcome([], [], [], _empty_parameters(kind, notes), seconds)
        started = time.perf_counter()
        report("training", 15)
        possible = n * (n - 1) / 2
        db_api = DuckDBAPI(con)
        linker = Linker(
            db_api.register("registry"),
            _settings(kind, "dedupe_only", _prior(con, kind, "registry", "registry", possible)),
            log_level=None,
        )
        _train(linker, kind, possible, notes.append, seconds)
        seconds["train"] = time.perf_counter() - started
        started = time.perf_counter()
        report("scoring", 55)
        predictions = linker.inference.predict(threshold_match_probability=probable_at, warning_mode="never")
        seconds["predict"] = time.perf_counter() - started
        report("ranking", 85)
        sql = f"""
            SELECT s.unique_id_l, s.unique_id_r, s.match_weight, s.match_probability,
                   {", ".join(f"s.gamma_{name}" for name, _ in COMPARISONS[kind])}
            FROM {predictions.physical_name} s
            JOIN registry a ON a.unique_id = s.unique_id_l
            JOIN registry b ON b.unique_id = s.unique_id_r
            WHERE NOT (a.id_number IS NOT NULL AND b.id_number IS NOT NULL AND a.id_number <> b.id_number)
            ORDER BY s.match_weight DESC, s.unique_id_l, s.unique_id_r
        """  # noqa: S608 - our own table and column names
        pairs = _matches(con, sql, kind)
        for pair in pairs:
            if pair.left > pair.right:
                pair.left, pair.right = pair.right, pair.left
        parameters = _parameters(linker, kind, notes)
        return Outcome([], pairs, [], parameters, seconds)
    finally:
        session.close()
