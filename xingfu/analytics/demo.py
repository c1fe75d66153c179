"""The demo's indicators and scorecards (docs/analytics.md), and a first refresh. Safe to run again: what
exists is kept."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from xingfu.analytics.definitions import definition_of
from xingfu.analytics.models import (
    Indicator,
    IndicatorUnit,
    Scorecard,
    ScorecardLine,
    ScorecardSubject,
    ScoringRule,
)
from xingfu.analytics.services.indicators import indicator_fields_checked
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.sources import SOURCES
from xingfu.core.errors import ValidationFailed

M, Q_, Y = "month", "quarter", "year"
ALL = [M, Q_, Y]
SRB_FIRST_YEAR = 1980  # the sex-ratio series reach back to the policy years, for trends and pooling


def _expr(source: str, *filters: tuple[str, str, Any], measure: str = "count") -> dict[str, Any]:
    return {"source": source, "filters": [{"field": f, "op": o, "value": v} for f, o, v in filters], "measure": measure}


def _srb(code: str, zh: str, en: str, order: int, *order_filter: tuple[str, str, Any]) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "numerator": _expr("births", ("sex", "eq", "M"), *order_filter),
        "denominator": _expr("births", ("sex", "eq", "F"), *order_filter),
        "scale": 100,
        "unit": IndicatorUnit.PER_100,
        "decimals": 1,
        "period_types": [Y],
        "first_year": SRB_FIRST_YEAR,
        "order": order,
        "description": "Boys born per 100 girls born (normal range 103–107).",
    }


def _pct(
    code: str, zh: str, en: str, order: int, num: dict[str, Any], den: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "numerator": num,
        "denominator": den,
        "scale": 100,
        "unit": IndicatorUnit.PERCENT,
        "decimals": 1,
        "period_types": extra.pop("period_types", ALL),
        "targetable": extra.pop("targetable", True),
        "higher_is_better": extra.pop("higher_is_better", True),
        "order": order,
        **extra,
    }


LIVE = ("outcome", "eq", "live_birth")

INDICATORS: list[dict[str, Any]] = [
    {
        "code": "births",
        "name_zh": "出生数",
        "name_en": "Live births",
        "numerator": _expr("births"),
        "period_types": ALL,
        "order": 10,
        "description": "Live births recorded in the registry.",
    },
    _srb("srb", "出生人口性别比", "Sex ratio at birth", 20),
    _srb("srb_order1", "出生人口性别比（一孩）", "Sex ratio at birth, first births", 21, ("birth_order", "eq", 1)),
    _srb("srb_order2", "出生人口性别比（二孩）", "Sex ratio at birth, second births", 22, ("birth_order", "eq", 2)),
    _srb(
        "srb_order3plus",
        "出生人口性别比（三孩及以上）",
        "Sex ratio at birth, third and later births",
        23,
        ("birth_order", "gte", 3),
    ),
    _pct(
        "registry_completeness",
        "出生登记完整率（关联母亲）",
        "Registry completeness: births linked to a mother",
        30,
        _expr("birth_records", ("mother_linked", "eq", True)),
        _expr("birth_records"),
    ),
    _pct(
        "anc_early",
        "孕早期建册率（13周前首次随访）",
        "Antenatal care: first visit before 13 weeks",
        40,
        _expr("pregnancies", LIVE, ("first_visit_before_13_weeks", "eq", True)),
        _expr("pregnancies", LIVE),
    ),
    _pct(
        "anc_5_visits",
        "产前检查5次及以上比例",
        "Antenatal care: 5 or more contacts",
        41,
        _expr("pregnancies", LIVE, ("antenatal_visits", "gte", 5)),
        _expr("pregnancies", LIVE),
    ),
    _pct(
        "pnc_coverage",
        "产后访视率",
        "Postnatal visit coverage",
        42,
        _expr("pregnancies", LIVE, ("postnatal_visits", "gte", 1)),
        _expr("pregnancies", LIVE),
    ),
    _pct(
        "prepregnancy_coverage",
        "孕前优生健康检查覆盖率",
        "Pre-pregnancy check-up coverage (of live births)",
        43,
        _expr("pregnancies", LIVE, ("checked_before", "eq", True)),
        _expr("pregnancies", LIVE),
    ),
    _pct(
        "checkup_high_risk",
        "孕前检查高风险人群比例",
        "Pre-pregnancy check-ups: high-risk share",
        44,
        _expr("checkups", ("population", "eq", "high_risk")),
        _expr("checkups"),
        targetable=False,
        higher_is_better=None,
    ),
    _pct(
        "visits_on_time",
        "随访及时率",
        "Visits done on time",
        45,
        _expr("due_visits", ("done_on_time", "eq", True)),
        _expr("due_visits", ("status", "in", ["done", "missed"])),
    ),
    _pct(
        "screening_coverage",
        "两癌筛查覆盖率（35–64岁妇女）",
        "Cervical and breast screening coverage, women 35–64",
        50,
        _expr("screenings", measure="women"),
        _expr("population", ("sex", "eq", "F"), ("age", "gte", 35), ("age", "lte", 64)),
        period_types=[Y],
    ),
    {
        "code": "benefit_recipients",
        "name_zh": "奖励扶助受益人数",
        "name_en": "Benefit recipients",
        "numerator": _expr("payments", measure="recipients"),
        "period_types": ALL,
        "order": 60,
    },
    {
        "code": "benefit_amount",
        "name_zh": "奖励扶助发放金额",
        "name_en": "Benefits paid (yuan)",
        "numerator": _expr("payments", measure="amount"),
        "unit": IndicatorUnit.YUAN,
        "decimals": 2,
        "period_types": ALL,
        "order": 61,
    },
    _pct(
        "benefit_delivery",
        "奖励扶助按时兑现率",
        "Benefit delivery: entitlements paid",
        62,
        _expr("entitlements", ("status", "eq", "paid")),
        _expr("entitlements"),
    ),
    {
        "code": "commitments_fulfilled",
        "name_zh": "部门承诺兑现次数",
        "name_en": "Department commitments fulfilled",
        "numerator": _expr("commitment_fulfilments"),
        "period_types": [Q_, Y],
        "targetable": True,
        "higher_is_better": True,
        "order": 65,
    },
    *[
        {
            "code": f"commitments_{slug}",
            "name_zh": f"{dept}承诺兑现次数",
            "name_en": f"Commitments fulfilled: {en}",
            "numerator": _expr("commitment_fulfilments", ("department", "eq", dept)),
            "period_types": [Y],
            "targetable": True,
            "higher_is_better": True,
            "order": 66,
        }
        for dept, slug, en in (
            ("区水务局", "water", "water bureau"),
            ("区教育局", "education", "education bureau"),
            ("区民政局", "civil_affairs", "civil affairs bureau"),
        )
    ],
    {
        "code": "outreach_events_per_village",
        "name_zh": "村均宣传活动次数",
        "name_en": "Publicity events per village",
        "numerator": _expr("outreach_events"),
        "denominator": _expr("villages"),
        "unit": IndicatorUnit.RATIO,
        "decimals": 2,
        "period_types": ALL,
        "targetable": True,
        "higher_is_better": True,
        "order": 70,
    },
    {
        "code": "outreach_people_reached",
        "name_zh": "宣传活动覆盖人次",
        "name_en": "People reached by publicity events",
        "numerator": _expr("outreach_events", measure="people_reached"),
        "period_types": ALL,
        "order": 71,
    },
]

# The demo's town assessment: service targets only (their indicators are all targetable).
TOWN_LINES = [
    ("registry_completeness", "20", ScoringRule.LINEAR, "90", "99"),
    ("outreach_events_per_village", "20", ScoringRule.LINEAR, "0.5", "2"),
    ("anc_early", "20", ScoringRule.LINEAR, "60", "90"),
    ("pnc_coverage", "15", ScoringRule.LINEAR, "60", "90"),
    ("screening_coverage", "15", ScoringRule.LINEAR, "10", "50"),
    ("benefit_delivery", "10", ScoringRule.THRESHOLD, None, "98"),
]
DEPARTMENT_LINES = [
    ("区卫生健康局", "anc_early", "40", ScoringRule.LINEAR, "60", "90"),
    ("区卫生健康局", "screening_coverage", "30", ScoringRule.LINEAR, "10", "50"),
    ("区卫生健康局", "registry_completeness", "30", ScoringRule.LINEAR, "90", "99"),
    ("区民政局", "benefit_delivery", "60", ScoringRule.LINEAR, "80", "98"),
    ("区民政局", "commitments_civil_affairs", "40", ScoringRule.LINEAR, "0", "4"),
    ("区水务局", "commitments_water", "100", ScoringRule.LINEAR, "0", "4"),
    ("区教育局", "commitments_education", "100", ScoringRule.LINEAR, "0", "4"),
]
SCORECARD_YEAR = 2026  # the demo registry is "as of" late 2026: its year with the most service data


@transaction.atomic
def _indicators() -> int:
    """The demo indicators not yet defined. One whose filter names data not there yet (a department before the
    benefits demo ran) is left for a later run."""
    created = 0
    for spec in INDICATORS:
        if Indicator.objects.filter(code=spec["code"]).exists():
            continue
        try:
            fields = indicator_fields_checked({k: v for k, v in spec.items() if k != "code"})
        except ValidationFailed:
            continue
        Indicator.objects.create(code=spec["code"], **fields)
        created += 1
    return created


@transaction.atomic
def _programme_indicators() -> int:
    """Amounts paid and recipients for each benefits programme there is (by quarter and year): data, one pair
    per programme, over the ``payments`` source filtered by programme."""
    if SOURCES["payments"].unavailable_reason() is not None:
        return 0
    from django.apps import apps

    created = 0
    for programme in apps.get_model("benefits", "Programme").objects.order_by("code"):
        by = ("programme", "eq", programme.code)
        for prefix, measure, zh, en, unit, decimals, order in (
            ("paid", "amount", "发放金额", "paid (yuan)", IndicatorUnit.YUAN, 2, 63),
            ("recipients", "recipients", "受益人数", "recipients", IndicatorUnit.COUNT, 0, 64),
        ):
            code = f"{prefix}_{programme.code}"[:40]
            if Indicator.objects.filter(code=code).exists():
                continue
            fields = indicator_fields_checked(
                {
                    "name_zh": f"{programme.name_zh}{zh}"[:100],
                    "name_en": f"{programme.name_en or programme.code}: {en}"[:100],
                    "numerator": _expr("payments", by, measure=measure),
                    "unit": unit,
                    "decimals": decimals,
                    "period_types": [Q_, Y],
                    "order": order,
                }
            )
            Indicator.objects.create(code=code, **fields)
            created += 1
    return created


def _usable(code: str) -> bool:
    """An indicator whose sources can be computed on this installation (else its line would score nothing)."""
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is None:
        return False
    return all(s.unavailable_reason() is None for s in definition_of(indicator).sources)


@transaction.atomic
def _scorecards() -> int:
    created = 0
    if not Scorecard.objects.filter(year=SCORECARD_YEAR, subject=ScorecardSubject.TOWN).exists():
        card = Scorecard.objects.create(
            name_zh=f"{SCORECARD_YEAR}年度镇街目标管理责任制考核",
            name_en=f"{SCORECARD_YEAR} town target-management assessment",
            year=SCORECARD_YEAR,
            subject=ScorecardSubject.TOWN,
            description="Service targets only: registry quality, publicity, maternal care, screening, benefits.",
        )
        for i, (code, weight, rule, floor, target) in enumerate(TOWN_LINES):
            if _usable(code):
                ScorecardLine.objects.create(
                    scorecard=card,
                    indicator=Indicator.objects.get(code=code),
                    weight=Decimal(weight),
                    rule=rule,
                    floor=Decimal(floor) if floor else None,
                    target=Decimal(target),
                    order=i,
                )
        created += 1
    if not Scorecard.objects.filter(year=SCORECARD_YEAR, subject=ScorecardSubject.DEPARTMENT).exists():
        card = Scorecard.objects.create(
            name_zh=f"{SCORECARD_YEAR}年度部门目标责任考核",
            name_en=f"{SCORECARD_YEAR} department assessment",
            year=SCORECARD_YEAR,
            subject=ScorecardSubject.DEPARTMENT,
            description="Each department answers for its service across the district.",
        )
        for i, (department, code, weight, rule, floor, target) in enumerate(DEPARTMENT_LINES):
            if _usable(code):
                ScorecardLine.objects.create(
                    scorecard=card,
                    indicator=Indicator.objects.get(code=code),
                    department=department,
                    weight=Decimal(weight),
                    rule=rule,
                    floor=Decimal(floor) if floor else None,
                    target=Decimal(target),
                    order=i,
                )
        created += 1
    return created


def demo_analytics(*, seed: int) -> dict[str, Any]:
    """The demo indicators and 2025 scorecards, then a refresh of every indicator. ``seed`` is accepted like
    every demo part's; nothing here is random."""
    indicators = _indicators() + _programme_indicators()
    scorecards = _scorecards()
    batch = refresh_run(reason="demo")
    computed = sum(1 for v in batch.indicators.values() if v == "ok")
    return {
        "indicators": indicators,
        "scorecards": scorecards,
        "computed": computed,
        "not_available": len(batch.indicators) - computed,
        "rows": batch.rows,
        "seconds": batch.seconds,
    }


def analytics_summary(result: dict[str, Any]) -> str:
    """The one line ``xingfu demo`` prints about analytics."""
    return (
        f"analytics: {result['indicators']} indicators and {result['scorecards']} scorecards created; refreshed "
        f"{result['computed']} indicators ({result['not_available']} not available yet) into {result['rows']} rows "
        f"in {result['seconds']} s"
    )
