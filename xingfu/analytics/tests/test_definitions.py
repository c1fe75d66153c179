"""Indicators are data, checked against the registered sources when defined; service targets only."""

from typing import Any

import pytest

from xingfu.analytics.definitions import parse_definition, why_not_targetable
from xingfu.analytics.models import Indicator
from xingfu.analytics.services.indicators import indicator_define, indicator_update
from xingfu.audit.models import AuditEvent
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed

BOYS = {"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "M"}]}


def _define(actor: Any, **fields: Any) -> Indicator:
    base: dict[str, Any] = {"code": "x", "name_zh": "测试", "numerator": BOYS, "period_types": ["year"]}
    return indicator_define(actor=actor, **{**base, **fields})


def test_a_definition_over_an_unknown_field_is_refused_naming_the_fields_there_are(district_admin: Any) -> None:
    bad = {"source": "births", "filters": [{"field": "mother_age", "op": "gte", "value": 35}]}
    with pytest.raises(ValidationFailed) as exc:
        _define(district_admin, numerator=bad)
    assert exc.value.field == "numerator"
    assert "no field 'mother_age'" in exc.value.message and "birth_order, sex" in exc.value.message


def test_an_unknown_source_is_refused(district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="unknown source 'contraception'"):
        _define(district_admin, numerator={"source": "contraception"})


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ([{"field": "sex", "op": "gte", "value": "M"}], "does not apply to sex"),
        ([{"field": "sex", "op": "eq", "value": "X"}], "not a value of sex"),
        ([{"field": "birth_order", "op": "eq", "value": "3"}], "takes a whole number"),
        ([{"field": "birth_order", "op": "in", "value": []}], "non-empty list"),
        ([{"field": "sex", "op": "eq"}], "exactly field, op and value"),
        ("sex=M", "must be a list"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(district_admin: Any, filters: Any, message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        _define(district_admin, numerator={"source": "births", "filters": filters})


def test_an_unknown_measure_is_refused(district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="no measure 'amount'"):
        _define(district_admin, numerator={"source": "births", "measure": "amount"})


def test_period_types_must_be_known(district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="period_types"):
        _define(district_admin, period_types=["week"])


def test_a_percentage_needs_a_denominator(district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="needs a denominator"):
        _define(district_admin, unit="percent", scale=100)


@pytest.mark.parametrize(
    ("numerator", "denominator", "targetable"),
    [
        ({"source": "births"}, None, False),  # a number of births
        (BOYS, {"source": "births", "filters": [{"field": "sex", "op": "eq", "value": "F"}]}, False),  # SRB
        ({"source": "population"}, None, False),
        ({"source": "pregnancies"}, {"source": "villages"}, False),  # births in disguise
        (
            {"source": "birth_records", "filters": [{"field": "mother_linked", "op": "eq", "value": True}]},
            {"source": "birth_records"},
            True,  # registry quality
        ),
        ({"source": "screenings", "measure": "women"}, {"source": "population"}, True),  # coverage
        ({"source": "outreach_events"}, {"source": "villages"}, True),
    ],
)
def test_only_service_indicators_may_be_targets(numerator: Any, denominator: Any, targetable: bool) -> None:
    reason = why_not_targetable(parse_definition(numerator, denominator))
    assert (reason is None) is targetable


def test_a_births_indicator_cannot_be_marked_targetable(district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="no birth-number or population targets") as exc:
        _define(district_admin, targetable=True)
    assert exc.value.field == "targetable"


def test_defining_an_indicator_is_audited(district_admin: Any) -> None:
    indicator = _define(district_admin, code="boys")
    assert indicator.numerator == {
        "source": "births",
        "filters": [{"field": "sex", "op": "eq", "value": "M"}],
        "measure": "count",
    }
    event = AuditEvent.objects.get(action="analytics.indicator_define")
    assert event.object_id == "boys" and event.actor_username == "admin"


def test_a_code_is_defined_once(district_admin: Any) -> None:
    _define(district_admin)
    with pytest.raises(Conflict):
        _define(district_admin)


def test_only_district_administrators_define_indicators(town_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        _define(town_officer)


def test_an_update_checks_the_whole_definition_again(district_admin: Any) -> None:
    indicator = _define(district_admin)
    with pytest.raises(ValidationFailed, match="no field 'colour'"):
        indicator_update(
            actor=district_admin,
            indicator=indicator,
            numerator={"source": "births", "filters": [{"field": "colour", "op": "eq", "value": "red"}]},
        )
    indicator_update(actor=district_admin, indicator=indicator, name_en="Boys born")
    indicator.refresh_from_db()
    assert indicator.name_en == "Boys born"
    assert AuditEvent.objects.filter(action="analytics.indicator_update").count() == 1
