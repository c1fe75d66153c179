"""Target management responsibility: service targets scored from the indicators, ranked with their evidence,
and rewards or penalties recorded once, by whom, on what."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from xingfu.analytics.models import ScorecardDecision, ScorecardLine, ScorecardSubject, ScoringRule
from xingfu.analytics.scoring import line_score, results_for_user, scorecard_results
from xingfu.analytics.services.refresh import refresh_run
from xingfu.analytics.services.scorecards import decision_record, scorecard_create, scorecard_line_add
from xingfu.analytics.tests.factories import births, indicator
from xingfu.audit.models import AuditEvent
from xingfu.core.append_only import AppendOnlyError
from xingfu.core.errors import Conflict, PermissionDenied, ValidationFailed


def _line(rule: str = ScoringRule.LINEAR, floor: str | None = "60", target: str = "90", weight: str = "20") -> Any:
    ind = indicator("registry_completeness")
    return ScorecardLine(
        indicator=ind,
        rule=rule,
        floor=None if floor is None else Decimal(floor),
        target=Decimal(target),
        weight=Decimal(weight),
    )


@pytest.mark.parametrize(
    ("value", "points"),
    [(None, "0"), ("50", "0"), ("60", "0"), ("75", "10.00"), ("90", "20.00"), ("99", "20.00")],
)
def test_a_linear_line_scores_between_floor_and_target_capped(db: Any, value: str | None, points: str) -> None:
    assert line_score(_line(), None if value is None else Decimal(value)) == Decimal(points)


def test_a_target_below_its_floor_means_lower_is_better(db: Any) -> None:
    line = _line(floor="30", target="10")
    assert line_score(line, Decimal("20")) == Decimal("10.00")
    assert line_score(line, Decimal("5")) == Decimal("20.00")


def test_a_threshold_line_scores_all_or_nothing(db: Any) -> None:
    line = _line(rule=ScoringRule.THRESHOLD, floor=None, target="98")
    assert line_score(line, Decimal("98")) == Decimal("20")
    assert line_score(line, Decimal("97.9")) == Decimal("0")


@pytest.fixture
def card(district_admin: Any) -> Any:
    return scorecard_create(actor=district_admin, name_zh="2025年度考核", year=2025, subject=ScorecardSubject.TOWN)


@pytest.fixture
def scored(card: Any, district_admin: Any, village: Any, other_village: Any) -> Any:
    """Registry completeness 2025 is 100 % in 店子镇 (4 births) and 西集镇 (2); the other towns have no births."""
    births(village, on=dt.date(2025, 4, 1), boys=2, girls=2)
    births(other_village, on=dt.date(2025, 4, 1), boys=1, girls=1)
    scorecard_line_add(
        actor=district_admin,
        scorecard=card,
        indicator=indicator("registry_completeness"),
        weight="60",
        rule=ScoringRule.LINEAR,
        floor="50",
        target="100",
    )
    scorecard_line_add(
        actor=district_admin,
        scorecard=card,
        indicator=indicator("anc_early"),
        weight="40",
        rule=ScoringRule.THRESHOLD,
        target="90",
    )
    refresh_run()
    return card


def test_towns_are_ranked_with_the_values_behind_each_score(scored: Any, town: Any, other_town: Any) -> None:
    results = scorecard_results(scored)
    assert len(results) == 10
    top = results[0]
    assert {top.town, results[1].town} == {town, other_town}  # the two with births tie at the top
    assert top.rank == results[1].rank == 1 and results[2].rank == 3
    completeness, anc = top.lines
    assert completeness.value == Decimal("100.0000") and completeness.score == Decimal("60.00")
    assert completeness.denominator in (Decimal(4), Decimal(2))
    assert anc.value is None and anc.score == 0  # no pregnancies recorded: no data, no points
    assert top.percent == Decimal("60.00")


def test_a_target_that_counts_births_is_refused(card: Any, district_admin: Any) -> None:
    for code in ("births", "srb_order3plus"):
        with pytest.raises(ValidationFailed, match="cannot be a target") as exc:
            scorecard_line_add(
                actor=district_admin, scorecard=card, indicator=indicator(code), weight="10", target="1", floor="0"
            )
        assert exc.value.field == "indicator"
    assert not card.lines.exists()


def test_an_indicator_not_marked_as_a_target_is_refused(card: Any, district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="not marked as a service target"):
        scorecard_line_add(
            actor=district_admin,
            scorecard=card,
            indicator=indicator("checkup_high_risk"),
            weight="10",
            target="5",
            floor="20",
        )


def test_a_linear_rule_needs_a_floor(card: Any, district_admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="needs a floor"):
        scorecard_line_add(
            actor=district_admin, scorecard=card, indicator=indicator("registry_completeness"), weight="10", target="99"
        )


def test_a_department_line_names_its_department(district_admin: Any) -> None:
    card = scorecard_create(actor=district_admin, name_zh="部门", year=2025, subject=ScorecardSubject.DEPARTMENT)
    with pytest.raises(ValidationFailed, match="Name the department"):
        scorecard_line_add(
            actor=district_admin,
            scorecard=card,
            indicator=indicator("registry_completeness"),
            weight="10",
            target="99",
            floor="90",
        )


def test_departments_are_scored_on_the_districts_values(district_admin: Any, village: Any) -> None:
    births(village, on=dt.date(2025, 4, 1), boys=1, girls=1)
    card = scorecard_create(actor=district_admin, name_zh="部门", year=2025, subject=ScorecardSubject.DEPARTMENT)
    scorecard_line_add(
        actor=district_admin,
        scorecard=card,
        indicator=indicator("registry_completeness"),
        weight="10",
        target="99",
        floor="90",
        department="区卫生健康局",
    )
    refresh_run()
    (result,) = scorecard_results(card)
    assert result.department == "区卫生健康局" and result.total == Decimal("10.00")


def test_a_decision_keeps_the_score_and_evidence_and_is_audited(scored: Any, district_admin: Any, town: Any) -> None:
    decision = decision_record(
        actor=district_admin, scorecard=scored, kind="reward", note="通报表扬，奖励工作经费", town=town, amount="5000"
    )
    assert decision.score == Decimal("60.00") and decision.decided_by == district_admin
    assert decision.evidence["lines"][0]["indicator"] == "registry_completeness"
    assert decision.evidence["lines"][0]["value"] == "100.0000"
    event = AuditEvent.objects.get(action="analytics.scorecard_decision")
    assert event.orgunit_path == town.path and event.changes["decision"]["after"]["kind"] == "reward"


def test_decisions_are_insert_only(scored: Any, district_admin: Any, town: Any) -> None:
    decision = decision_record(actor=district_admin, scorecard=scored, kind="none", note="无", town=town)
    decision.note = "改"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(AppendOnlyError):
        ScorecardDecision.objects.filter(pk=decision.pk).update(note="改")
    assert ScorecardDecision.objects.get().note == "无"


def test_targets_are_locked_once_a_decision_is_recorded(scored: Any, district_admin: Any, town: Any) -> None:
    decision_record(actor=district_admin, scorecard=scored, kind="penalty", note="约谈", town=town)
    with pytest.raises(Conflict):
        scorecard_line_add(
            actor=district_admin,
            scorecard=scored,
            indicator=indicator("pnc_coverage"),
            weight="5",
            target="90",
            floor="60",
        )


def test_a_decision_is_about_an_assessed_town(scored: Any, district_admin: Any, village: Any) -> None:
    with pytest.raises(ValidationFailed, match="Choose the town"):
        decision_record(actor=district_admin, scorecard=scored, kind="reward", note="x", town=village)


def test_only_district_administrators_manage_scorecards(town_officer: Any, card: Any, town: Any) -> None:
    with pytest.raises(PermissionDenied):
        scorecard_create(actor=town_officer, name_zh="x", year=2025, subject="town")
    with pytest.raises(PermissionDenied):
        decision_record(actor=town_officer, scorecard=card, kind="reward", note="x", town=town)


def test_a_town_officer_sees_her_towns_row_only(
    scored: Any, town_officer: Any, village_worker: Any, auditor: Any, town: Any
) -> None:
    results = scorecard_results(scored)
    assert [r.town for r in results_for_user(town_officer, results)] == [town]
    assert results_for_user(village_worker, results) == []
    assert len(results_for_user(auditor, results)) == 10


def test_the_scorecard_page_ranks_with_evidence_and_records_a_decision(
    client: Any, district_admin: Any, scored: Any, town: Any
) -> None:
    client.force_login(district_admin)
    page = client.get(f"/analytics/scorecards/{scored.pk}/").content.decode()
    assert 'data-testid="ranking"' in page and "values used" in page and "100.0 %" in page
    response = client.post(
        f"/analytics/scorecards/{scored.pk}/decisions/",
        {"subject": town.code, "kind": "reward", "amount": "3000", "note": "奖励"},
    )
    assert response.status_code == 302
    assert "奖励" in client.get(f"/analytics/scorecards/{scored.pk}/").content.decode()


def test_the_page_does_not_offer_a_births_indicator_as_a_target(client: Any, district_admin: Any, card: Any) -> None:
    indicator("births")
    indicator("registry_completeness")
    client.force_login(district_admin)
    page = client.get(f"/analytics/scorecards/{card.pk}/").content.decode()
    form = page.split('action="/analytics/scorecards/')[1]
    assert 'value="registry_completeness"' in form and 'value="births"' not in form
    response = client.post(
        f"/analytics/scorecards/{card.pk}/lines/",
        {"indicator": "births", "weight": "10", "rule": "threshold", "target": "1"},
    )
    assert response.status_code == 400 and not card.lines.exists()


def test_a_town_officer_cannot_record_decisions(client: Any, town_officer: Any, card: Any, town: Any) -> None:
    client.force_login(town_officer)
    response = client.post(
        f"/analytics/scorecards/{card.pk}/decisions/", {"subject": town.code, "kind": "reward", "note": "x"}
    )
    assert response.status_code == 403


def test_the_dashboard_shows_each_role_its_own_assessment(
    client: Any, scored: Any, town_officer: Any, department_liaison: Any, district_admin: Any
) -> None:
    client.force_login(town_officer)
    page = client.get("/analytics/").content.decode()
    mine = page.split('data-testid="assessments"')[1].split("</section>")[0]
    assert "Dianzi Town: rank 1 of 10" in mine and "Xiji" not in mine
    dept = scorecard_create(actor=district_admin, name_zh="部门考核", year=2025, subject=ScorecardSubject.DEPARTMENT)
    scorecard_line_add(
        actor=district_admin,
        scorecard=dept,
        indicator=indicator("registry_completeness"),
        weight="10",
        target="99",
        floor="90",
        department="区水务局",
    )
    scorecard_line_add(
        actor=district_admin,
        scorecard=dept,
        indicator=indicator("registry_completeness"),
        weight="10",
        target="99",
        floor="90",
        department="区民政局",
    )
    client.force_login(department_liaison)  # of 区水务局
    page = client.get("/analytics/").content.decode()
    assert "区水务局: rank 1 of 2" in page and "区民政局:" not in page
