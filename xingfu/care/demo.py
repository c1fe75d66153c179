"""The care demo: programmes, pregnancies, check-ups and screening campaigns over the demo registry.

Deterministic from the seed and written once (a second run leaves everything as it is). Sizes follow the
registry: ``annual`` is the number of births the registry records in the last year, and

- every one of those births gets the pregnancy it ended (registered at 6–12 weeks, the antenatal visits
  mostly kept, graded, some referred; postnatal visits after it): these are the children already in the
  registry, so no child is invented;
- about 0.62 × annual women are pregnant now (registered from 6 weeks to term), a few of whose pregnancies
  ended early in the last weeks (post-loss care, like anyone's postnatal care);
- about 0.8 × annual couples had a pre-pregnancy check-up in the last 13 months, most examined (19 items)
  and assessed (68 % with at least one risk factor, as in the national sample);
- 45 % of the villages held a screening campaign in the last three years (the demo village has one on now).

The demo village worker is responsible for the women of her village; elsewhere nobody is yet (the town sees
them as unassigned). Rows are written in bulk, with one audit event, then ``schedule_run`` materialises
what is due today exactly as the nightly job does.
"""

import datetime
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xingfu.accounts.roles import Role
from xingfu.audit.services import audit_record
from xingfu.care.models import (
    BreastResult,
    CareOutcome,
    CareProgrammeKind,
    CareStageKind,
    CervicalResult,
    CheckConclusion,
    CheckItem,
    CheckItemKind,
    CheckPopulation,
    CheckResult,
    CheckUp,
    DueVisit,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    InvitationStatus,
    Programme,
    ResultSource,
    ScreeningCampaign,
    ScreeningResult,
    Stage,
    Visit,
)
from xingfu.care.schedule import schedule_run
from xingfu.care.selectors import eligible_women, screened_since, screening_interval_days
from xingfu.care.standard import care_standard_install
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import EventKind, LifeEvent, Person, PersonStatus, Sex

DEMO_VILLAGE = "370406101001"
ONGOING_PER_BIRTH = 0.62
CHECKUPS_PER_BIRTH = 0.8
SCREENED_VILLAGES = 0.45
_DAY = datetime.timedelta(days=1)
_REFERRAL = "区妇幼保健院产科"


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass
class _VisitPlan:
    stage: Stage | None
    date: datetime.date
    colour: str = ""
    infectious: bool = False
    findings: str = ""
    referral_to: str = ""
    due_on: datetime.date | None = None
    due_by: datetime.date | None = None


@dataclass
class _Plan:
    enrollment: Enrollment
    visits: list[_VisitPlan] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    checkup: CheckUp | None = None
    results: list[CheckResult] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.plans: list[_Plan] = []
        self.programmes = {p.kind: p for p in Programme.objects.filter(active=True)}
        self.stages = {
            kind: list(Stage.objects.filter(programme=p).order_by("order")) for kind, p in self.programmes.items()
        }
        User = get_user_model()
        self.workers: dict[int, Any] = {}
        for user in User.objects.filter(role=Role.VILLAGE_WORKER, is_active=True, scope__level=Level.VILLAGE).order_by(
            "username"
        ):
            self.workers.setdefault(int(user.scope_id or 0), user)
        self.used: set[int] = set()

    # --- grading and visits ---------------------------------------------------------------------------

    def _grade(self, previous: tuple[str, bool] | None) -> tuple[str, bool]:
        rng = self.rng
        if previous is None:
            colour = rng.choices(["green", "yellow", "orange", "red"], weights=[62, 28, 8, 2])[0]
            return colour, rng.random() < 0.03
        colour, infectious = previous
        order = ["green", "yellow", "orange", "red"]
        if rng.random() < 0.12 and colour != "red":
            colour = order[order.index(colour) + 1]  # a complication found later
        elif rng.random() < 0.08 and colour != "green":
            colour = order[order.index(colour) - 1]  # resolved (anaemia treated)
        return colour, infectious

    def _antenatal(self, e: Enrollment, upto: datetime.date) -> list[_VisitPlan]:
        assert e.lmp is not None
        visits: list[_VisitPlan] = []
        grade: tuple[str, bool] | None = None
        for stage in self.stages[CareProgrammeKind.MATERNAL]:
            if stage.kind != CareStageKind.ANTENATAL:
                continue
            due_on = e.lmp + _days(stage.offset_days)
            due_by = due_on + _days(stage.window_days)
            start, end = max(due_on, e.enrolled_on), min(due_by, upto)
            if end < start or self.rng.random() > 0.88:
                continue
            grade = self._grade(grade)
            colour, infectious = grade
            referral = _REFERRAL if colour in ("orange", "red") and self.rng.random() < 0.7 else ""
            findings = {
                "green": "未见异常",
                "yellow": "轻度贫血，补铁",
                "orange": "血压偏高，转诊",
                "red": "重度子痫前期，转诊",
            }[colour]
            visits.append(
                _VisitPlan(
                    stage, start + _days(self.rng.randint(0, (end - start).days)), colour, infectious,
                    findings + ("；乙肝表面抗原阳性" if infectious else ""), referral, due_on, due_by,
                )
            )  # fmt: skip
        return visits

    def _postnatal(self, e: Enrollment) -> list[_VisitPlan]:
        assert e.outcome_on is not None
        visits = []
        for stage in self.stages[CareProgrammeKind.MATERNAL]:
            if stage.kind != CareStageKind.POSTNATAL:
                continue
            due_on = e.outcome_on + _days(stage.offset_days)
            due_by = due_on + _days(stage.window_days)
            if due_by > self.today or self.rng.random() > 0.88:
                continue
            date = due_on + _days(self.rng.randint(0, stage.window_days))
            visits.append(_VisitPlan(stage, date, findings="母婴情况良好", due_on=due_on, due_by=due_by))
            if stage.closes_enrollment:
                e.status, e.closed_on, e.close_reason = EnrollmentStatus.CLOSED, date, "schedule complete"
        return visits

    def _enrollment(self, kind: str, person: int, village: int, **fields: Any) -> Enrollment:
        worker = self.workers.get(village)
        return Enrollment(
            programme=self.programmes[kind], person_id=person, orgunit_id=village, responsible=worker, **fields
        )

    # --- pregnancies ----------------------------------------------------------------------------------

    def births(self) -> int:
        """The pregnancies that ended in the registry's births of the last year: one enrolment per mother
        and birth date (twins share one)."""
        rows = (
            LifeEvent.objects.filter(
                kind=EventKind.BIRTH,
                date__gt=self.today - _days(365),
                date__lte=self.today,
                mother__status=PersonStatus.ALIVE,
            )
            .order_by("mother_id", "date", "id")
            .values_list("mother_id", "child_id", "date", "mother__orgunit_id")
        )
        groups: dict[tuple[int, datetime.date], tuple[int, list[int]]] = {}
        for mother, child, date, village in rows:
            groups.setdefault((mother, date), (village, []))[1].append(child)
        for (mother, date), (village, children) in groups.items():
            lmp = date - _days(self.rng.randint(259, 290))
            enrolled_on = min(date - _DAY, lmp + _days(self.rng.randint(42, 84)))
            e = self._enrollment(
                CareProgrammeKind.MATERNAL, mother, village, enrolled_on=enrolled_on, lmp=lmp,
                outcome=CareOutcome.LIVE_BIRTH, outcome_on=date, outcome_place="区妇幼保健院",
            )  # fmt: skip
            plan = _Plan(e, self._antenatal(e, date - _DAY), children)
            plan.visits += self._postnatal(e)
            self.plans.append(plan)
            self.used.add(mother)
        return len(groups)

    def _women(self, youngest: int, oldest: int) -> list[tuple[int, int]]:
        born_after = self.today.replace(year=self.today.year - oldest - 1)
        born_before = self.today.replace(year=self.today.year - youngest)
        qs = Person.objects.filter(
            sex=Sex.FEMALE,
            status=PersonStatus.ALIVE,
            birth_date__gt=born_after,
            birth_date__lte=born_before,
            memberships__end_date__isnull=True,
        )
        return [
            (pk, village) for pk, village in qs.order_by("pk").values_list("pk", "orgunit_id") if pk not in self.used
        ]

    def ongoing(self, annual: int) -> int:
        women = self._women(20, 42)
        chosen = self.rng.sample(women, min(len(women), round(annual * ONGOING_PER_BIRTH)))
        for person, village in chosen:
            lmp = self.today - _days(self.rng.randint(42, 280))
            enrolled_on = min(self.today, lmp + _days(self.rng.randint(42, 84)))
            e = self._enrollment(CareProgrammeKind.MATERNAL, person, village, enrolled_on=enrolled_on, lmp=lmp)
            weeks = (self.today - lmp).days // 7
            if 8 <= weeks <= 20 and self.rng.random() < 0.07:
                # An early loss in the last weeks: recorded as a health fact; she gets postnatal care.
                e.outcome = CareOutcome.MISCARRIAGE if self.rng.random() < 0.85 else CareOutcome.TERMINATION
                e.outcome_on = enrolled_on + _days(self.rng.randint(0, (self.today - enrolled_on).days))
            plan = _Plan(e, self._antenatal(e, (e.outcome_on - _DAY) if e.outcome_on else self.today))
            if e.outcome_on:
                plan.visits += self._postnatal(e)
            self.plans.append(plan)
            self.used.add(person)
        return len(chosen)

    # --- pre-pregnancy check-ups ----------------------------------------------------------------------

    def _value(self, item: CheckItem, who: str) -> tuple[str, bool]:
        rng = self.rng
        numeric = {
            "glucose": (4.0, 6.6, 6.1), "alt": (8, 62, 40), "creatinine": (45, 105, 97), "tsh": (0.5, 5.6, 4.2),
        }  # fmt: skip
        if item.code in numeric:
            low, high, limit = numeric[item.code]
            value = round(rng.uniform(low, high), 1)
            return str(value), value > limit
        texts = {
            "blood_group": (f"{rng.choice(['A', 'B', 'O', 'O', 'AB'])} Rh+", False),
            "hbv": ("HBsAg+", True) if rng.random() < 0.06 else ("阴性", False),
            "syphilis": ("阳性", True) if rng.random() < 0.003 else ("阴性", False),
            "rubella": ("IgG阴性（未免疫）", True) if rng.random() < 0.25 else ("IgG阳性", False),
            "cmv": ("IgM-/IgG+", False),
            "toxoplasma": ("IgM-/IgG-", False),
            "blood_routine": ("Hb 102 g/L", True) if rng.random() < 0.12 else ("Hb 128 g/L", False),
            "vaginal": ("清洁度III度", True) if rng.random() < 0.1 else ("清洁度I度", False),
        }
        return texts.get(item.code, ("未见异常", False))

    def checkups(self, annual: int) -> int:
        programme = self.programmes[CareProgrammeKind.PREPREGNANCY]
        items = [
            i
            for i in CheckItem.objects.filter(programme=programme)
            if i.kind in (CheckItemKind.EXAM, CheckItemKind.LAB)
        ]
        women = self._women(20, 40)
        chosen = self.rng.sample(women, min(len(women), round(annual * CHECKUPS_PER_BIRTH)))
        husbands = self._husbands([p for p, _v in chosen])
        stages = {s.code: s for s in self.stages[CareProgrammeKind.PREPREGNANCY]}
        for person, village in chosen:
            booked_for = self.today - _days(self.rng.randint(-20, 400))
            enrolled_on = min(self.today, booked_for - _days(self.rng.randint(2, 20)))
            partner = husbands.get(person) if self.rng.random() < 0.9 else None
            e = self._enrollment(CareProgrammeKind.PREPREGNANCY, person, village, enrolled_on=enrolled_on)
            checkup = CheckUp(partner_id=partner, booked_for=booked_for)
            plan = _Plan(e, checkup=checkup)
            if booked_for < self.today and self.rng.random() < 0.88:
                e.check_on = booked_for
                plan.results = self._results(items, {"F": person, "M": partner}, booked_for)
                self._assess(checkup, plan.results)
                plan.visits += self._followups(e, stages)
            self.plans.append(plan)
            self.used.add(person)
        return len(chosen)

    def _results(self, items: list[CheckItem], who: dict[str, int | None], on: datetime.date) -> list[CheckResult]:
        rows = []
        for item in items:
            for key, person in who.items():
                if person is None or (key == "M" and item.women_only):
                    continue
                value, abnormal = self._value(item, key)
                source = ResultSource.ANALYSER if item.kind == CheckItemKind.LAB else ResultSource.MANUAL
                rows.append(
                    CheckResult(
                        person_id=person, item=item, value=value, unit=item.unit, abnormal=abnormal, measured_on=on,
                        source=source,
                    )
                )  # fmt: skip
        return rows

    def _husbands(self, women: list[int]) -> dict[int, int]:
        pairs: dict[int, int] = {}
        marriages = LifeEvent.objects.filter(kind=EventKind.MARRIAGE).filter(
            person__in=women
        ) | LifeEvent.objects.filter(kind=EventKind.MARRIAGE, other_person__in=women)
        wanted = set(women)
        for a, b, a_sex, b_sex, a_status, b_status in marriages.order_by("date", "id").values_list(
            "person_id", "other_person_id", "person__sex", "other_person__sex", "person__status", "other_person__status"
        ):
            if a in wanted and b_sex == Sex.MALE and b_status == PersonStatus.ALIVE:
                pairs[a] = b
            elif b in wanted and a_sex == Sex.MALE and a_status == PersonStatus.ALIVE:
                pairs[b] = a
        return pairs

    def _assess(self, checkup: CheckUp, results: list[CheckResult]) -> None:
        rng = self.rng
        classes = set()
        if rng.random() < 0.68:
            classes = set(rng.choices("ABCDX", weights=[40, 30, 20, 7, 3], k=rng.choice([1, 1, 2])))
        if any(r.abnormal and r.item.code == "rubella" for r in results):
            classes.add("A")
        checkup.risk_classes = "".join(c for c in "ABCDX" if c in classes)
        checkup.population = CheckPopulation.HIGH_RISK if classes else CheckPopulation.GENERAL
        if checkup.partner_id is None:
            checkup.conclusion = CheckConclusion.ONE_PARTNER
        else:
            checkup.conclusion = CheckConclusion.RISK_FOUND if classes else CheckConclusion.NO_RISK
        advice = {"A": "接种风疹疫苗三个月后再怀孕", "B": "补充叶酸，治疗贫血", "C": "控制血糖血压，孕期密切监测",
                  "D": "孕期做产前诊断", "X": "暂不宜怀孕，专科就诊"}  # fmt: skip
        checkup.counselling = "；".join(advice[c] for c in checkup.risk_classes) or "常规孕前保健指导，补充叶酸"

    def _followups(self, e: Enrollment, stages: dict[str, Stage]) -> list[_VisitPlan]:
        assert e.check_on is not None
        visits = []
        for stage in stages.values():
            due_on = e.check_on + _days(stage.offset_days)
            due_by = due_on + _days(stage.window_days)
            if due_on > self.today or self.rng.random() > 0.8:
                continue
            date = due_on + _days(self.rng.randint(0, min(stage.window_days, (self.today - due_on).days)))
            findings = "已孕" if self.rng.random() < 0.4 else "未孕，继续备孕"
            if stage.code == "outcome":
                findings = "已分娩，母婴健康" if self.rng.random() < 0.7 else "未孕"
            visits.append(_VisitPlan(stage, date, findings=findings, due_on=due_on, due_by=due_by))
            if stage.closes_enrollment:
                e.status, e.closed_on, e.close_reason = EnrollmentStatus.CLOSED, date, "schedule complete"
        return visits

    # --- writing ----------------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        enrollments = Enrollment.objects.bulk_create([p.enrollment for p in self.plans], batch_size=2000)
        children = [
            Enrollment.children.through(enrollment_id=p.enrollment.pk, person_id=c)
            for p in self.plans
            for c in p.children
        ]
        Enrollment.children.through.objects.bulk_create(children, batch_size=5000)
        checkups = []
        for p in self.plans:
            if p.checkup is not None:
                p.checkup.enrollment = p.enrollment
                checkups.append(p.checkup)
        CheckUp.objects.bulk_create(checkups, batch_size=2000)
        results = []
        for p in self.plans:
            for r in p.results:
                assert p.checkup is not None
                r.checkup = p.checkup
                results.append(r)
        CheckResult.objects.bulk_create(results, batch_size=5000)
        visits, plans_of_visits = [], []
        for p in self.plans:
            for v in p.visits:
                visits.append(
                    Visit(
                        enrollment=p.enrollment, stage=v.stage, date=v.date, findings=v.findings, risk_colour=v.colour,
                        infectious=v.infectious, referral_to=v.referral_to, recorded_by=p.enrollment.responsible,
                    )
                )  # fmt: skip
                plans_of_visits.append(v)
            graded = [v for v in p.visits if v.colour]
            if graded:
                latest = max(graded, key=lambda v: v.date)
                p.enrollment.risk_colour, p.enrollment.infectious = latest.colour, latest.infectious
        Visit.objects.bulk_create(visits, batch_size=5000)
        Enrollment.objects.bulk_update(
            [p.enrollment for p in self.plans if p.enrollment.risk_colour],
            ["risk_colour", "infectious"],
            batch_size=2000,
        )
        due = []
        for visit, plan in zip(visits, plans_of_visits, strict=True):
            assert plan.due_on is not None and plan.due_by is not None
            due.append(
                DueVisit(
                    enrollment=visit.enrollment, stage=plan.stage, due_on=plan.due_on, due_by=plan.due_by,
                    status="done", visit=visit,
                )
            )  # fmt: skip
            if plan.referral_to:
                followed = visit.date + _days(self.rng.randint(2, 13))
                due.append(
                    DueVisit(
                        enrollment=visit.enrollment, kind="referral", referral=visit, due_on=visit.date + _DAY,
                        due_by=visit.date + _days(14), status="done" if followed <= self.today else "due",
                    )
                )  # fmt: skip
        DueVisit.objects.bulk_create(due, batch_size=5000)
        return {
            "enrollments": len(enrollments),
            "visits": len(visits),
            "checkups": len(checkups),
            "results": len(results),
        }

    # --- screening --------------------------------------------------------------------------------------

    def screening(self) -> dict[str, int]:
        programme = self.programmes[CareProgrammeKind.SCREENING]
        villages = list(OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code"))
        chosen = [v for v in villages if v.code == DEMO_VILLAGE or self.rng.random() < SCREENED_VILLAGES]
        interval = screening_interval_days(programme)
        counts = {"campaigns": 0, "invitations": 0, "attended": 0}
        for village in chosen:
            if village.code == DEMO_VILLAGE:
                starts_on = self.today - _DAY  # on now: the demo worker can check women in
            else:
                starts_on = self.today - _days(self.rng.randint(0, 3 * 365 - 30))
            campaign = ScreeningCampaign.objects.create(
                programme=programme, village=village, name=f"{starts_on.year}年两癌筛查（{village.name_zh}）",
                starts_on=starts_on, ends_on=starts_on + _days(self.rng.randint(2, 6)), place="村卫生室",
            )  # fmt: skip
            women = list(
                eligible_women(campaign)
                .exclude(screened_since(starts_on - _days(interval)))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            invitations = []
            for pk in women:
                last = min(campaign.ends_on, self.today)
                attended = last >= starts_on and self.rng.random() < (0.3 if campaign.ends_on >= self.today else 0.65)
                invitations.append(
                    Invitation(
                        campaign=campaign, person_id=pk,
                        status=InvitationStatus.ATTENDED if attended else InvitationStatus.INVITED,
                        attended_on=(starts_on + _days(self.rng.randint(0, (last - starts_on).days)))
                        if attended else None,
                    )
                )  # fmt: skip
            Invitation.objects.bulk_create(invitations, batch_size=5000)
            results = []
            for inv in invitations:
                if inv.status != InvitationStatus.ATTENDED or self.rng.random() < 0.1:
                    continue
                cervical = self.rng.choices(CervicalResult.values, weights=[95, 3, 2])[0]
                breast = self.rng.choices(BreastResult.values, weights=[93, 5, 1, 1])[0]
                abnormal = cervical == CervicalResult.ABNORMAL or breast in (
                    BreastResult.BIRADS_0_3,
                    BreastResult.BIRADS_4_5,
                )
                results.append(
                    ScreeningResult(
                        invitation=inv, cervical=cervical, breast=breast, referral_to="区妇幼保健院" if abnormal else ""
                    )
                )
            ScreeningResult.objects.bulk_create(results, batch_size=5000)
            counts["campaigns"] += 1
            counts["invitations"] += len(invitations)
            counts["attended"] += sum(1 for i in invitations if i.status == InvitationStatus.ATTENDED)
        return counts


def demo_care(*, seed: int) -> dict[str, Any]:
    """Fill the care app once over the demo registry (see the module's docstring); returns what was made.
    With no persons in the registry nothing is created."""
    care_standard_install()
    if not Person.objects.exists():
        return {"created": False, "reason": "the registry has no persons"}
    if Enrollment.objects.exists() or ScreeningCampaign.objects.exists():
        return {"created": False, "reason": f"already has {Enrollment.objects.count()} enrolments"}
    started = time.perf_counter()
    today = timezone.localdate()
    builder = _Builder(random.Random(seed), today)
    with transaction.atomic():
        births = builder.births()
        annual = births or max(1, Person.objects.count() // 100)
        ongoing = builder.ongoing(annual)
        builder.checkups(annual)
        written = builder.write()
        screening = builder.screening()
        schedule = schedule_run(today=today)
        counts = {"births": births, "ongoing": ongoing, **written, **screening, "due": schedule["created"]}
        audit_record(
            actor=None,
            action="demo.care",
            object_type="care",
            orgunit=OrgUnit.objects.filter(level=Level.DISTRICT).first(),
            changes={name: {"before": 0, "after": n} for name, n in counts.items()},
            reason=f"demo seed {seed}",
        )
    return {"created": True, **counts, "seconds": round(time.perf_counter() - started, 1)}


def care_summary(result: dict[str, Any]) -> str:
    """The one line ``xingfu demo`` prints about care."""
    if not result["created"]:
        return f"care: nothing created ({result['reason']})"
    return (
        "care: {enrollments} enrolments ({births} pregnancies ended in the registry's births of the last year, "
        "{ongoing} ongoing), {checkups} check-ups, {visits} visits, {campaigns} screening campaigns "
        "({attended} of {invitations} invited screened), {due} visits due, in {seconds} s"
    ).format(**result)
