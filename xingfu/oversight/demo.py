"""Demo data for oversight: ~60 facilities across the generated villages, ~40 ultrasound devices (some
flagged), this year's inspection plan with some visits done, tip-offs and cases (one received from a
neighbouring district). Deterministic from the seed; running it again adds nothing."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from xingfu.accounts.roles import Role
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.oversight.models import (
    DEVICE_FLAGGED,
    Case,
    ChecklistItem,
    Facility,
    FacilityKind,
    Inspection,
    InspectionStatus,
    TipOff,
    UltrasoundDevice,
)
from xingfu.oversight.reference import ensure_reference_data
from xingfu.oversight.services import cases as case_services
from xingfu.oversight.services import devices as device_services
from xingfu.oversight.services import inspections as inspection_services
from xingfu.oversight.services import tipoffs as tipoff_services
from xingfu.oversight.services.facilities import facility_create, facility_update
from xingfu.oversight.services.transfer import case_import

MARK = "DEMO-"  # licence numbers and serials of demo records start with this

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
CLINIC_WORDS = ["仁和", "康宁", "济民", "同心", "惠民", "百草", "安康", "德济", "益寿", "春晖", "保和", "天顺"]
MAKES = [("迈瑞", "DC-30"), ("开立", "S2"), ("飞依诺", "VINNO 5"), ("东软", "NeuViz"), ("GE", "Voluson E6")]
SELLERS = ["枣庄市医疗器械公司", "济南康达医疗设备有限公司", "临沂华康器械经营部"]


def _counts() -> dict[str, int]:
    facilities = Facility.objects.filter(licence_number__startswith=MARK)
    devices = UltrasoundDevice.objects.filter(serial__startswith=MARK)
    return {
        "facilities": facilities.count(),
        "devices": devices.count(),
        "flagged": devices.filter(DEVICE_FLAGGED).count(),
        "inspections": Inspection.objects.filter(facility__in=facilities).count(),
        "done": Inspection.objects.filter(facility__in=facilities, status=InspectionStatus.DONE).count(),
        "tipoffs": TipOff.objects.count(),
        "cases": Case.objects.count(),
    }


def _plan(rng: random.Random, villages: list[OrgUnit]) -> list[tuple[str, str, OrgUnit, list[str]]]:
    """(name, kind, place, services) of the demo facilities, ~60 in all."""
    by_town: dict[str, list[OrgUnit]] = {}
    for village in villages:
        by_town.setdefault(village.code[:9], []).append(village)
    towns = {t.code: t for t in OrgUnit.objects.filter(level=Level.TOWN)}
    plan: list[tuple[str, str, OrgUnit, list[str]]] = []
    first_town = towns[sorted(towns)[0]] if towns else villages[0]
    plan.append(("山亭区人民医院", FacilityKind.HOSPITAL, first_town, ["ultrasound", "termination", "deliveries"]))
    plan.append(("山亭区妇幼保健院", FacilityKind.HOSPITAL, first_town, ["ultrasound", "antenatal", "deliveries"]))
    plan.append(("山亭区计划生育服务站", FacilityKind.SERVICE_STATION, first_town, ["contraception", "ultrasound"]))
    for code in sorted(by_town):
        town = towns.get(code)
        if town is not None:
            plan.append((f"{town.name_zh}卫生院", FacilityKind.HEALTH_CENTRE, town, ["ultrasound", "antenatal"]))
    pool = list(villages)
    rng.shuffle(pool)
    for village in pool[:22]:
        plan.append((f"{village.name_zh}卫生室", FacilityKind.VILLAGE_CLINIC, village, ["general", "contraception"]))
    for i, village in enumerate(pool[22:36]):
        name = f"{CLINIC_WORDS[i % len(CLINIC_WORDS)]}{SURNAMES[i % len(SURNAMES)]}氏诊所"
        services = ["general", "ultrasound"] if i % 2 == 0 else ["general"]
        plan.append((name, FacilityKind.PRIVATE_CLINIC, village, services))
    for i, village in enumerate(pool[36:47]):
        name = f"{CLINIC_WORDS[(i + 5) % len(CLINIC_WORDS)]}大药房{village.name_zh}店"
        plan.append((name, FacilityKind.PHARMACY, village, ["termination_drugs"] if i % 3 == 0 else []))
    return plan


def _solved_challenge() -> tuple[str, str]:
    challenge = tipoff_services.challenge_new()
    numbers = signing.loads(challenge.token, salt=tipoff_services._CHALLENGE_SALT)
    return challenge.token, str(numbers["a"] + numbers["b"])


@transaction.atomic
def demo_oversight(*, seed: int) -> dict[str, int]:
    """Create the oversight demo once; returns how many demo records exist (and ``created``: 1 if this run
    made them)."""
    ensure_reference_data()
    villages = list(OrgUnit.objects.filter(level=Level.VILLAGE).order_by("code"))
    if not villages or Facility.objects.filter(licence_number__startswith=MARK).exists():
        return {**_counts(), "created": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    inspector = (
        User.objects.filter(role=Role.INSPECTOR, is_active=True, scope__level=Level.DISTRICT).order_by("pk").first()
        or User.objects.filter(role=Role.DISTRICT_ADMIN, is_active=True).order_by("pk").first()
    )

    facilities: list[Facility] = []
    for i, (name, kind, place, services) in enumerate(_plan(rng, villages), start=1):
        expiry = today + dt.timedelta(days=rng.randint(-20, 900))
        facilities.append(
            facility_create(
                actor=None,
                name=name,
                kind=kind,
                orgunit=place,
                licence_number=f"{MARK}{370406}{i:04d}",
                licence_expiry=expiry,
                address=f"{place.name_zh}{rng.randint(1, 200)}号",
                responsible_person=f"{rng.choice(SURNAMES)}{rng.choice('建国秀英国强丽华志刚桂兰')}",
                staff_count=rng.randint(1, 40) if kind in ("hospital", "health_centre") else rng.randint(1, 6),
                services=services,
            )
        )
    # A few closed in the past (they keep their history, but are not inspected any more).
    for facility in rng.sample([f for f in facilities if f.kind == "pharmacy"], 2):
        facility_update(actor=None, facility=facility, status="closed")

    holders = [f for f in facilities if "ultrasound" in f.services and f.status == "open"]
    devices: list[UltrasoundDevice] = []
    for i in range(40):
        facility = holders[i % len(holders)]
        make, model = MAKES[i % len(MAKES)]
        bought = today - dt.timedelta(days=rng.randint(60, 2500))
        health = bought + dt.timedelta(days=rng.randint(3, 18))
        fp = bought + dt.timedelta(days=rng.randint(3, 19))
        if i % 6 == 0:
            fp = bought + dt.timedelta(days=rng.randint(25, 60))  # registered late
        devices.append(
            device_services.device_register(
                actor=None,
                make=make,
                model_name=model,
                serial=f"{MARK}US-{i + 1:03d}",
                purchase_date=bought,
                seller=rng.choice(SELLERS),
                facility=facility,
                operators="\n".join(f"{rng.choice(SURNAMES)}医生" for _ in range(rng.randint(1, 3))),
                health_reg_number="" if i % 9 == 4 else f"卫备{bought.year}-{i + 1:03d}",
                health_reg_date=None if i % 9 == 4 else health,
                fp_reg_number="" if i % 7 == 3 else f"计备{bought.year}-{i + 1:03d}",
                fp_reg_date=None if i % 7 == 3 else fp,
            )
        )
    device_services.device_move(
        actor=None, device=devices[1], to_facility=holders[-1], on=today - dt.timedelta(days=30), note="科室调整"
    )
    device_services.device_scrap(actor=None, device=devices[2], on=today - dt.timedelta(days=10), recycler="回收站")

    # This year's plan from the schedule, and some visits done (planned and unannounced).
    inspection_services.inspection_plan_year(
        actor=None, year=today.year, facilities=Facility.objects.filter(pk__in=[f.pk for f in facilities]), scope=None
    )
    codes = list(ChecklistItem.objects.filter(active=True).values_list("code", flat=True))
    due = list(
        Inspection.objects.filter(facility__in=facilities, status="planned", planned_for__lte=today).order_by(
            "planned_for", "id"
        )[:25]
    )
    extra = [
        inspection_services.inspection_schedule(
            actor=None, facility=f, kind="unannounced", planned_for=today - dt.timedelta(days=rng.randint(1, 90))
        )
        for f in rng.sample([f for f in facilities if f.kind in ("private_clinic", "pharmacy") and f.is_open], 8)
    ]
    for inspection in [*due, *extra]:
        done_on = inspection.planned_for or today
        answers = {code: ("no" if rng.random() < 0.12 else "yes", "") for code in codes}
        inspection_services.inspection_record(
            actor=inspector, inspection=inspection, done_on=min(done_on, today), answers=answers
        )

    # Tip-offs from the public page and the hotline; some triaged into cases.
    tips = []
    for i, (about, provider, what) in enumerate(
        [
            ("sex_selection", "某私人诊所", "听说有诊所用B超看胎儿性别，收费较高。"),
            ("unregistered_device", "城头镇一家诊所", "诊所后屋有一台新B超机，没见挂登记牌。"),
            ("sex_selection", "一名游医", "有人在集市上介绍去外地鉴定胎儿性别。"),
            ("other_misconduct", "某药店", "药店无处方出售终止妊娠药品。"),
        ]
    ):
        token, answer = _solved_challenge()
        tipoff, _code = tipoff_services.tipoff_submit(
            about=about,
            provider=provider,
            description=what,
            place=rng.choice(villages).name_zh,
            occurred=f"{today.year}年{rng.randint(1, today.month)}月",
            client_ip=f"192.0.2.{i + 1}",
            challenge_token=token,
            challenge_answer=answer,
            contact="" if i % 2 else f"139{rng.randint(10000000, 99999999)}",
        )
        tips.append(tipoff)
    for i, channel in enumerate(["hotline", "letter", "hotline"]):
        tipoff, _code = tipoff_services.tipoff_record(
            actor=inspector,
            channel=channel,
            about="sex_selection",
            provider=f"{CLINIC_WORDS[i]}诊所",
            description="举报人称该诊所提供“看男女”服务。",
            place=rng.choice(villages).name_zh,
            orgunit=rng.choice(villages).parent or villages[0],
            contact=f"138{rng.randint(10000000, 99999999)}" if i != 1 else "",
        )
        tips.append(tipoff)
    if inspector is not None:
        district = OrgUnit.objects.get(level=Level.DISTRICT)
        first = case_services.case_open(
            actor=inspector,
            title="某私人诊所涉嫌非医学需要胎儿性别鉴定",
            orgunit=district,
            owner=inspector,
            summary=tips[0].description,
            tipoffs=[tips[0], tips[2]],
        )
        case_services.case_add_step(
            actor=inspector, case=first, kind="investigation", summary="暗访诊所，核实B超使用情况", done_on=today
        )
        case_services.case_add_step(
            actor=inspector, case=first, kind="evidence", summary="调取B超检查登记", due=today + dt.timedelta(days=14)
        )
        drugs = case_services.case_open(
            actor=inspector,
            title="药店无处方出售终止妊娠药品",
            orgunit=district,
            owner=inspector,
            summary=tips[3].description,
            tipoffs=[tips[3]],
        )
        case_services.case_add_step(
            actor=inspector, case=drugs, kind="decision", summary="购进使用记录不全，立案处罚", done_on=today
        )
        case_services.case_add_step(
            actor=inspector,
            case=drugs,
            kind="penalty",
            summary="警告并罚款",
            rule="drug_records",
            fine_yuan="10000",
            done_on=today,
        )
        case_services.case_close(actor=inspector, case=drugs, outcome="substantiated", note="已罚款，责令整改")
        tipoff_services.tipoff_dismiss(actor=inspector, tipoff=tips[5], reason="信息不足，无法核实")
        case_import(
            actor=inspector,
            orgunit=district,
            owner=inspector,
            document={
                "format": "xingfu.oversight.case",
                "version": 1,
                "exported_at": timezone.now().isoformat(),
                "from_district": {"code": "370403", "name": "薛城区"},
                "to_district": "山亭区",
                "case": {
                    "number": f"370403-{today.year}-0003",
                    "title": "流动B超车跨区开展胎儿性别鉴定",
                    "summary": "线索显示流动B超车在两区交界处活动。",
                    "opened_on": (today - dt.timedelta(days=20)).isoformat(),
                },
                "tipoffs": [
                    {
                        "about": "sex_selection",
                        "description": "有面包车载B超机，在村里给人看胎儿性别。",
                        "place": "薛城区与山亭区交界",
                        "received_at": (timezone.now() - dt.timedelta(days=21)).isoformat(),
                        "channel": "hotline",
                    }
                ],
                "steps": [
                    {
                        "kind": "investigation",
                        "summary": "薛城区卫健局走访两村，车辆已离开",
                        "done_on": (today - dt.timedelta(days=15)).isoformat(),
                        "by": "薛城区监督员",
                        "district": "薛城区",
                        "recorded_at": (timezone.now() - dt.timedelta(days=15)).isoformat(),
                    }
                ],
            },
        )
    return {**_counts(), "created": 1}
