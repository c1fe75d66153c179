"""The demo's benefits: the district's programmes and the national ones the office runs (docs/programmes.md),
each with its conditions written as data; the population care fund; the department-commitment catalogue;
priority-treatment certificates; a few applications and fulfilment records; and the payment cycles of the
monthly programmes in one town, paid for October 2026 and November's awaiting approval. Safe to run again.

Amounts marked "unconfirmed" in programmes.md are configuration with example values. Xingfu records no
sterilisation or contraception, so the two-daughter reward is conditioned on the two-daughter family alone.

Demo assumption: the demo registry records no disability certificates, so a small share of the children
(``DISABLED_PER_THOUSAND``, drawn from the seed) is given a grade 1–4 here, before any programme is evaluated,
so that the special assistance's disabled-child branch has someone to pay.
"""

import csv
import datetime
import io
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from xingfu.accounts.roles import Role
from xingfu.benefits.models import (
    Application,
    BenefitKind,
    Certificate,
    Commitment,
    CommitmentCategory,
    CommitmentFulfilment,
    Fund,
    PaymentCycle,
    Programme,
)
from xingfu.benefits.services import certificates, funds
from xingfu.benefits.services.cycles import cycle_approve, cycle_cancel, cycle_prepare, cycles_prepare
from xingfu.benefits.services.payments import cycle_export, cycle_results_import
from xingfu.benefits.services.programmes import programme_define, programme_rule_add
from xingfu.orgunits.models import Level, OrgUnit
from xingfu.registry.models import PARENTAGE_KINDS, DisabilityGrade, Household, LifeEvent, Person

D = datetime.date

# The family-planning families most programmes are for: only-child (son or daughter) and two-daughter families.
PLANNED = ["only_son", "only_daughter", "two_daughters"]


def leaf(fact: str, operator: str, value: Any) -> dict[str, Any]:
    return {"fact": fact, "operator": operator, "value": value}


def every(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"all": list(nodes)}


ALIVE = leaf("alive", "eq", True)
# The special assistance's two branches (the only child having been born or adopted: children_ever = 1).
CHILD_DIED = leaf("living_children", "eq", 0)
# Grade 1 is the most severe: "grade 3 or above" is grades 1–3.
CHILD_DISABLED = leaf("child_disability_grade", "lte", 3)

# (programme fields, first rule's conditions, first rule's amount, later rules [(valid_from, amount, note)])
PROGRAMMES: list[
    tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[tuple[datetime.date, dict[str, Any], str]]]
] = [
    (
        {
            "code": "late-marriage",
            "name_zh": "晚婚晚育奖励",
            "name_en": "Late marriage and late childbearing reward",
            "description": "Rural households whose couple married late (man 25, woman 23 or older) and had their "
            "first child late (woman 24 or older). Ages are the historical definitions (unconfirmed).",
            "unit": "household",
            "benefit_kind": "cash_once",
            "payee": "household_head",
            "funding_source": "District budget",
            "starts_on": D(2000, 1, 1),
        },
        every(
            leaf("residence", "eq", "rural"),
            leaf("husband_marriage_age", "gte", 25),
            leaf("wife_marriage_age", "gte", 23),
            leaf("wife_first_birth_age", "gte", 24),
        ),
        {"mode": "fixed", "amount": "500.00"},
        [],
    ),
    (
        {
            "code": "only-daughter",
            "name_zh": "终生一女孩奖励",
            "name_en": "Only-daughter reward",
            "description": "Households whose only child is a daughter, the parents having no other child.",
            "unit": "household",
            "benefit_kind": "cash_monthly",
            "payee": "household_head",
            "funding_source": "District budget",
            "starts_on": D(2008, 1, 1),
        },
        every(leaf("family_type", "eq", "only_daughter")),
        {"mode": "fixed", "amount": "50.00"},
        [],
    ),
    (
        {
            "code": "two-daughters",
            "name_zh": "双女户奖励",
            "name_en": "Two-daughter reward",
            "description": "Households whose two children are both daughters and who have no other child. "
            "(The original also requires sterilisation, which Xingfu does not record.)",
            "unit": "household",
            "benefit_kind": "cash_monthly",
            "payee": "household_head",
            "funding_source": "District budget",
            "starts_on": D(2008, 1, 1),
        },
        every(leaf("family_type", "eq", "two_daughters")),
        {"mode": "fixed", "amount": "40.00"},
        [],
    ),
    (
        {
            "code": "free-medical-premium",
            "name_zh": "两免：新农合参合费",
            "name_en": "Free rural medical scheme premium",
            "description": "The district pays the rural cooperative medical scheme premium of every member of "
            "an only-child or two-daughter rural household. Premium: example value (unconfirmed).",
            "unit": "person",
            "benefit_kind": "premium",
            "payee": "third_party",
            "third_party": "山亭区新型农村合作医疗管理办公室",
            "funding_source": "District budget (两免一优)",
            "starts_on": D(2008, 1, 1),
        },
        every(ALIVE, leaf("residence", "eq", "rural"), leaf("household_family_type", "in", PLANNED)),
        {"mode": "fixed", "amount": "180.00"},
        [],
    ),
    (
        {
            "code": "free-pension-premium",
            "name_zh": "两免：新农保参保费",
            "name_en": "Free rural pension premium",
            "description": "The district pays the rural pension scheme contribution of the adults of contributing "
            "age (16–59) in the same households. Contribution: example value (unconfirmed).",
            "unit": "person",
            "benefit_kind": "premium",
            "payee": "third_party",
            "third_party": "山亭区农村社会养老保险经办机构",
            "funding_source": "District budget (两免一优)",
            "starts_on": D(2010, 1, 1),
        },
        every(
            ALIVE,
            leaf("age", "gte", 16),
            leaf("age", "lte", 59),
            leaf("residence", "eq", "rural"),
            leaf("household_family_type", "in", PLANNED),
        ),
        {"mode": "fixed", "amount": "100.00"},
        [],
    ),
    (
        {
            "code": "housing-preference",
            "name_zh": "一优：住房优惠证",
            "name_en": "Housing preference (priority-treatment certificate)",
            "description": "A certificate for 5–15 % off demolition compensation and new-home purchases in new "
            "rural communities; partner departments check it. Rates by category are example values.",
            "unit": "household",
            "benefit_kind": "certificate",
            "payee": "household_head",
            "funding_source": "Housing and construction bureau",
            "starts_on": D(2010, 1, 1),
        },
        every(leaf("family_type", "in", PLANNED)),
        {
            "mode": "tiered",
            "tiers": [
                {"if": leaf("family_type", "eq", "only_daughter"), "amount": "15.00"},
                {"if": leaf("family_type", "eq", "two_daughters"), "amount": "10.00"},
            ],
            "otherwise": "5.00",
        },
        [],
    ),
    (
        {
            "code": "college-reward",
            "name_zh": "成才奖",
            "name_en": "College reward",
            "description": "A child of an only-child or two-daughter family admitted to university; paid once on "
            "an application with the admission letter. Amounts by admission tier (example values).",
            "unit": "person",
            "benefit_kind": "cash_once",
            "payee": "person",
            "funding_source": "District budget",
            "needs_application": True,
            "attachments": [
                {"name": "Admission letter", "types": "pdf,jpg,png"},
                {"name": "Household register page", "types": "pdf,jpg,png"},
            ],
            "starts_on": D(2010, 1, 1),
        },
        every(ALIVE, leaf("age", "gte", 15), leaf("age", "lte", 30), leaf("household_family_type", "in", PLANNED)),
        {
            "mode": "application_tier",
            "tiers": {"key_university": "2000.00", "university": "1000.00", "college": "500.00"},
        },
        [],
    ),
    (
        {
            "code": "care-fund-hardship",
            "name_zh": "人口关爱基金困难救助",
            "name_en": "Care-fund hardship help",
            "description": "Help for a family-planning household in hardship, decided case by case on an "
            "application, paid from the population care fund.",
            "unit": "household",
            "benefit_kind": "cash_once",
            "payee": "household_head",
            "funding_source": "Population care fund",
            "needs_application": True,
            "attachments": [
                {"name": "Statement of the hardship", "types": "pdf,jpg,png"},
                {"name": "Village committee's certificate", "types": "pdf,jpg,png"},
            ],
            "starts_on": D(2012, 1, 1),
        },
        every(leaf("family_type", "in", PLANNED)),
        {"mode": "case_by_case", "max": "5000.00"},
        [],
    ),
    (
        {
            "code": "reward-assistance",
            "name_zh": "农村部分计划生育家庭奖励扶助",
            "name_en": "Rural family-planning reward assistance",
            "level": "national",
            "description": "Rural parents with only one child or two daughters, each parent from age 60, for life. "
            "600 yuan a year from 2006, 720 from 2009; 80 yuan a month as reported locally (current national "
            "figure unconfirmed). Paid monthly in the demo configuration.",
            "unit": "person",
            "benefit_kind": "cash_monthly",
            "payee": "person",
            "funding_source": "Central and provincial budgets",
            "starts_on": D(2006, 1, 1),
        },
        every(ALIVE, leaf("age", "gte", 60), leaf("residence", "eq", "rural"), leaf("family_type", "in", PLANNED)),
        {"mode": "fixed", "amount": "50.00"},
        [
            (D(2009, 1, 1), {"mode": "fixed", "amount": "60.00"}, "720 yuan a year"),
            (D(2016, 1, 1), {"mode": "fixed", "amount": "80.00"}, "80 yuan a month as reported locally (unconfirmed)"),
        ],
    ),
    (
        {
            "code": "special-assistance",
            "name_zh": "计划生育家庭特别扶助",
            "name_en": "Special assistance for family-planning families",
            "level": "national",
            "description": "Parents whose only child died or is disabled (certificate grade 3 or above, i.e. "
            "grade 1, 2 or 3; unconfirmed), the mother 49 or older, no other child born or adopted. 2014 "
            "standard per parent per month: child died, urban 340, rural 170; child disabled, urban 270, "
            "rural 150.",
            "unit": "person",
            "benefit_kind": "cash_monthly",
            "payee": "person",
            "funding_source": "Central and provincial budgets",
            "starts_on": D(2014, 1, 1),
        },
        every(
            ALIVE,
            leaf("children_ever", "eq", 1),
            leaf("couple_wife_age", "gte", 49),
            {"any": [CHILD_DIED, CHILD_DISABLED]},
        ),
        {
            # The first tier that holds: a child who died is paid at the higher standard.
            "mode": "tiered",
            "tiers": [
                {"if": every(CHILD_DIED, leaf("residence", "eq", "urban")), "amount": "340.00"},
                {"if": every(CHILD_DIED, leaf("residence", "eq", "rural")), "amount": "170.00"},
                {"if": every(CHILD_DISABLED, leaf("residence", "eq", "urban")), "amount": "270.00"},
                {"if": every(CHILD_DISABLED, leaf("residence", "eq", "rural")), "amount": "150.00"},
            ],
            "otherwise": "0",
        },
        [],
    ),
    (
        {
            "code": "childcare-subsidy",
            "name_zh": "育儿补贴",
            "name_en": "Childcare subsidy",
            "level": "national",
            "description": "Every child under 3, any birth order, any hukou: 3,600 yuan a year until the child "
            "turns 3; children born 2022–2024 paid pro rata for their months under 3 from 1 January 2025. Paid "
            "once a year to the head of the child's household.",
            "unit": "person",
            "benefit_kind": "cash_yearly",
            "payee": "household_head",
            "funding_source": "Central budget",
            "starts_on": D(2025, 1, 1),
        },
        every(ALIVE, leaf("age", "lte", 3), leaf("residence", "in", ["rural", "urban"])),
        {"mode": "pro_rata_months", "monthly": "300.00", "age_from_months": 0, "age_to_months": 36},
        [],
    ),
]

CARE_FUND = ("population-care", "人口关爱基金", "Population care fund: budget, donations and individuals' gifts.")


# The district writes its programmes in Chinese; the English after it is for readers of the English pages.
DESCRIPTIONS_ZH = {
    "late-marriage": (
        "晚婚晚育的农村家庭：男方 25 周岁、女方 23 周岁及以上结婚，女方 24 周岁及以上"
        "生育第一个子女（年龄为历史口径，未经核实）。"
    ),
    "only-daughter": "独生子女为女儿、夫妇未再生育的家庭。",
    "two-daughters": "两个子女均为女儿、未再生育的家庭。（原政策另有节育要求，本系统不记录。）",
    "free-medical-premium": (
        "区财政为农村独生子女户、双女户的每名成员缴纳新型农村合作医疗参合费。缴费额为示例值（未经核实）。"
    ),
    "free-pension-premium": ("区财政为上述家庭中 16–59 周岁的成员缴纳农村养老保险费。缴费额为示例值（未经核实）。"),
    "housing-preference": ("凭证书在拆迁补偿和新型农村社区购房时享受 5%–15% 优惠，由合作部门核验。各类比例为示例值。"),
    "college-reward": ("独生子女户、双女户子女考入大学的，凭录取通知书申请，一次性奖励；金额按录取层次（示例值）。"),
    "care-fund-hardship": "计划生育困难家庭救助，凭申请逐案审定，由人口关爱基金支付。",
    "reward-assistance": (
        "农村只有一个子女或两个女孩的夫妇，年满 60 周岁起每人享受奖励扶助金，直至亡故。200"
        "6 年起每年 600 元，2009 年起 720 元；当地报道每月 80 元（现行全国标"
        "准未经核实）。演示配置按月发放。"
    ),
    "special-assistance": (
        "独生子女死亡或伤病残（残疾等级三级及以上，即一至三级；未经核实）、女方年满 49 周岁、"
        "未再生育或收养子女的夫妇。2014 年标准每人每月：子女死亡的城镇 340 元、农村 1"
        "70 元；子女伤残的城镇 270 元、农村 150 元。"
    ),
    "childcare-subsidy": (
        "3 周岁以下婴幼儿，不分孩次、不分户籍：每孩每年 3600 元，发至满 3 周岁；202"
        "2–2024 年出生的，按 2025 年 1 月 1 日起未满 3 周岁的月数折算。每年"
        "一次发给孩子所在户的户主。"
    ),
}


def demo_programmes() -> int:
    """The programmes above (and the care fund they draw on); those that exist are left as they are."""
    created = 0
    with transaction.atomic():
        fund, _ = Fund.objects.get_or_create(
            code=CARE_FUND[0], defaults={"name": CARE_FUND[1], "description": CARE_FUND[2]}
        )
        for fields, conditions, amount, later in PROGRAMMES:
            if Programme.objects.filter(code=fields["code"]).exists():
                continue
            own_fund = fund if fields["code"] == "care-fund-hardship" else None
            fields = {**fields, "description": f"{DESCRIPTIONS_ZH[fields['code']]}\n\n{fields['description']}"}
            programme = programme_define(actor=None, **fields, fund=own_fund, conditions=conditions, amount=amount)
            for valid_from, later_amount, note in later:
                programme_rule_add(
                    actor=None,
                    programme=programme,
                    valid_from=valid_from,
                    conditions=conditions,
                    amount=later_amount,
                    note=note,
                )
            created += 1
    return created


def demo_fund() -> int:
    """1.5 million yuan raised for the care fund: budget, donations and individuals."""
    fund = Fund.objects.get(code=CARE_FUND[0])
    if fund.transactions.exists():
        return 0
    for kind, amount, day, source in [
        ("budget", "800000.00", D(2012, 3, 1), "区财政预算"),
        ("donation", "450000.00", D(2012, 6, 1), "企业捐赠"),
        ("donation", "250000.00", D(2013, 1, 15), "个人捐款"),
    ]:
        funds.fund_money_in(actor=None, fund=fund, kind=kind, amount=Decimal(amount), date=day, source=source)
    return 3


# 26 departments: 3 major and 54 minor commitments (the district's account; wording of the demo).
DEPARTMENTS: list[tuple[str, list[str]]] = [
    ("区水务局", ["减免自来水管道安装费", "减免水表费"]),
    ("区农村信用联社", ["小额贷款利率优惠", "优先发放创业贷款"]),
    ("区人力资源和社会保障局", ["优先推荐就业", "免费职业技能培训"]),
    ("区市场监督管理局", ["优先办理营业执照", "减免个体工商户登记费"]),
    ("区税务局", ["优先办理税务登记", "依法减免相关税费"]),
    ("区教育局", ["子女入学优先安排", "困难家庭子女助学金"]),
    ("区住房和城乡建设局", ["新型社区购房优惠", "危房改造优先安排"]),
    ("区民政局", ["困难家庭优先纳入低保", "临时救助优先"]),
    ("区卫生健康局", ["免费孕前优生健康检查", "家庭医生签约优先"]),
    ("区农业农村局", ["农业技术培训优先", "农机购置补贴优先"]),
    ("区自然资源局", ["宅基地审批优先", "土地补偿优先"]),
    ("区交通运输局", ["公交出行优惠", "运输经营许可优先"]),
    ("区供电公司", ["减免电表安装费", "用电报装优先"]),
    ("区科学技术局", ["科技项目优先扶持", "科技特派员结对帮扶"]),
    ("区文化和旅游局", ["乡村旅游经营优先扶持", "文化活动优先参与"]),
    ("区商务局", ["电商创业培训", "农产品销售对接"]),
    ("区林业局", ["经济林苗木免费供应", "林权登记优先"]),
    ("区扶贫开发办公室", ["扶贫项目优先安排", "产业扶贫资金优先"]),
    ("区妇女联合会", ["巾帼创业小额贷款贴息", "妇女技能培训优先"]),
    ("区共青团委员会", ["青年创业扶持", "志愿者结对帮扶"]),
    ("区残疾人联合会", ["残疾子女康复救助", "辅助器具优先适配"]),
    ("区红十字会", ["大病救助优先", "应急救助优先"]),
    ("区司法局", ["免费法律援助", "法律咨询优先"]),
    ("区公安分局", ["户口办理优先", "身份证办理便利"]),
    ("区医疗保障局", ["医疗保险报销优先", "大病保险倾斜"]),
    ("区财政局", ["奖励扶助资金按时足额拨付", "关爱基金配套资金"]),
]
# Minor ones are the two above; the three major commitments are these.
MAJOR = [
    ("区住房和城乡建设局", "拆迁补偿和新型社区购房5%–15%优惠"),
    ("区医疗保障局", "免缴新型农村合作医疗参合费"),
    ("区人力资源和社会保障局", "免缴新型农村社会养老保险费"),
]


def demo_commitments() -> int:
    created = 0
    for department, titles in DEPARTMENTS:
        for title in titles:
            _, made = Commitment.objects.get_or_create(
                department=department, title=title, defaults={"category": CommitmentCategory.MINOR}
            )
            created += made
    for department, title in MAJOR:
        _, made = Commitment.objects.get_or_create(
            department=department, title=title, defaults={"category": CommitmentCategory.MAJOR}
        )
        created += made
    # 26 departments × 2 = 52 minor + 2 more to make the district's 54.
    for department, title in [("区水务局", "优先维修供水设施"), ("区教育局", "优先安排寄宿")]:
        _, made = Commitment.objects.get_or_create(
            department=department, title=title, defaults={"category": CommitmentCategory.MINOR}
        )
        created += made
    return created


def demo_fulfilments(*, seed: int) -> int:
    """A few fulfilment records for certificate households, so the department report has something in it."""
    if CommitmentFulfilment.objects.exists():
        return 0
    rng = random.Random(seed)
    holders = list(Certificate.objects.filter(revoked_on__isnull=True).values_list("household_id", flat=True)[:2000])
    if not holders:
        return 0
    commitments = list(Commitment.objects.order_by("id"))
    households = {h.pk: h for h in Household.objects.filter(pk__in=rng.sample(holders, min(60, len(holders))))}
    rows = []
    for household in households.values():
        commitment = rng.choice(commitments)
        value = Decimal(rng.choice([80, 120, 200, 300, 500])) if "减免" in commitment.title else None
        rows.append(
            CommitmentFulfilment(
                commitment=commitment,
                household=household,
                orgunit_id=household.orgunit_id,
                date=D(2026, rng.randint(1, 10), rng.randint(1, 28)),
                description=commitment.title,
                value=value,
            )
        )
    CommitmentFulfilment.objects.bulk_create(rows)
    return len(rows)


# --- disability grades (a demo assumption) ----------------------------------------------------------------

DISABLED_PER_THOUSAND = 5


def demo_disability_grades(*, seed: int, per_thousand: int = DISABLED_PER_THOUSAND) -> int:
    """Give ``per_thousand`` of the registry's children (persons born to or adopted by registered parents) a
    disability grade, 1–4 in equal shares, drawn from ``seed``. Only on a registry where nobody has a grade
    yet (a registry that records certificates is left as it is); one bulk update."""
    if Person.objects.filter(disability_grade__isnull=False).exists():
        return 0
    children = sorted(
        set(LifeEvent.objects.filter(kind__in=PARENTAGE_KINDS, child__isnull=False).values_list("child_id", flat=True))
    )
    rng = random.Random(f"{seed}-disability")
    chosen = rng.sample(children, len(children) * per_thousand // 1000)
    grades = DisabilityGrade.values
    rows = [Person(pk=pk, disability_grade=grades[i % len(grades)]) for i, pk in enumerate(chosen)]
    Person.objects.bulk_update(rows, ["disability_grade"], batch_size=1000)
    return len(rows)


# --- payment cycles ---------------------------------------------------------------------------------------

# The demo town officer's town (店子镇, ``xingfu.demo.loader.DEMO_TOWN``): she prepares, the district
# administrator approves, so both demo logins find a cycle to work on.
CYCLE_TOWN = "370406101"
PAID_PERIOD = "202610"  # the month the demo registry is "as of" (2026-10-31)
PENDING_PERIOD = "202611"
PENDING_PROGRAMME = "only-daughter"
FAILURE_REASONS = ["账户已销户", "户名与账号不符", "账户冻结"]


def _bank_results(bank_file: bytes, *, rng: random.Random) -> bytes:
    """The bank's answer to a bank file: the same rows with their result; about one in twenty failed."""
    rows = list(csv.DictReader(io.StringIO(bank_file.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entitlement_id", "amount", "result", "bank_reference", "failure_reason"])
    for i, row in enumerate(rows):
        # The fourth row always fails, so that every cycle of some size has a payment to re-issue.
        failed = i % 20 == 3
        reason = rng.choice(FAILURE_REASONS) if failed else ""
        reference = "" if failed else f"SDRCB{row['period']}{int(row['entitlement_id']):08d}"
        writer.writerow([row["entitlement_id"], row["amount"], "failed" if failed else "paid", reference, reason])
    return out.getvalue().encode("utf-8")


def demo_cycles(*, seed: int) -> int:
    """The monthly programmes' cycles in ``CYCLE_TOWN``: October 2026 prepared by the town officer, approved
    by the district administrator (maker-checker), sent to the bank and reconciled, a few payments failed (a
    programme nobody in the town qualifies for is cancelled instead); November's only-daughter cycle (with
    October's failed payments re-issued) prepared and awaiting approval. Through the services, as the two
    users would; only where no cycle exists yet and both logins do. Returns the cycles prepared."""
    if PaymentCycle.objects.exists():
        return 0
    town = OrgUnit.objects.filter(code=CYCLE_TOWN).first()
    users = get_user_model().objects.filter(is_active=True).order_by("id")
    maker = users.filter(role=Role.TOWN_OFFICER, scope=town).first() if town else None
    checker = users.filter(role=Role.DISTRICT_ADMIN, scope__level=Level.DISTRICT).first()
    if town is None or maker is None or checker is None:
        return 0
    codes = [f["code"] for f, *_rest in PROGRAMMES if f["benefit_kind"] == BenefitKind.CASH_MONTHLY]
    monthly = list(Programme.objects.filter(code__in=codes).order_by("code"))
    rng = random.Random(f"{seed}-bank")
    paid = cycles_prepare(actor=maker, programmes=monthly, period=PAID_PERIOD, scope=town)
    for cycle in paid:
        if cycle.entitlement_count == 0:
            # A small registry may have nobody in the town for a programme (the special assistance): the
            # officer drops the empty list rather than sending it for approval.
            cycle_cancel(actor=maker, cycle=cycle, reason="本月本镇无符合条件的对象。")
            continue
        cycle_approve(actor=checker, cycle=cycle)
        bank_file = cycle_export(actor=maker, cycle=cycle, fmt="csv")
        cycle_results_import(
            actor=maker,
            cycle=cycle,
            content=_bank_results(bank_file.content, rng=rng),
            filename=f"results-{cycle.programme.code}-{cycle.period}.csv",
        )
    pending = Programme.objects.get(code=PENDING_PROGRAMME)
    cycle_prepare(actor=maker, programme=pending, period=PENDING_PERIOD, scope=town)
    return len(paid) + 1


def demo_benefits(*, seed: int) -> dict[str, int]:
    """Everything above; returns what was created (nothing on a second run)."""
    # Before any programme is evaluated (certificates, applications, cycles).
    graded = demo_disability_grades(seed=seed)
    programmes = demo_programmes()
    fund_rows = demo_fund()
    commitments = demo_commitments()
    issued = 0
    district = OrgUnit.objects.filter(level=Level.DISTRICT).first()
    housing = Programme.objects.get(code="housing-preference")
    if district is not None and not Certificate.objects.filter(programme=housing).exists():
        issued = certificates.certificates_issue(actor=None, programme=housing, scope=district, on=D(2026, 10, 31))
    fulfilments = demo_fulfilments(seed=seed)
    applications = 0 if Application.objects.exists() else _demo_applications(seed=seed)
    cycles = demo_cycles(seed=seed)
    return {
        "disability grades": graded,
        "programmes": programmes,
        "fund transactions": fund_rows,
        "commitments": commitments,
        "certificates": issued,
        "fulfilments": fulfilments,
        "applications": applications,
        "payment cycles": cycles,
    }


def _demo_applications(*, seed: int) -> int:
    """Two applications in the first village with eligible families: a college reward, a hardship request."""
    from xingfu.benefits.services.applications import application_submit

    rng = random.Random(seed)
    college = Programme.objects.get(code="college-reward")
    hardship = Programme.objects.get(code="care-fund-hardship")
    on = D(2026, 10, 31)
    made = 0
    candidates = _eligible_sample(college, on=on, limit=50)
    if candidates:
        application_submit(
            actor=None,
            programme=college,
            beneficiary=rng.choice(candidates),
            tier="university",
            statement="2026年考入山东大学。",
            attachments=[{"name": a["name"], "file_type": "pdf"} for a in college.attachments],
            on=on,
        )
        made += 1
    households = _eligible_sample(hardship, on=on, limit=50)
    if households:
        application_submit(
            actor=None,
            programme=hardship,
            beneficiary=rng.choice(households),
            statement="户主因病丧失劳动能力，家庭生活困难。",
            attachments=[{"name": a["name"], "file_type": "jpg"} for a in hardship.attachments],
            on=on,
        )
        made += 1
    return made


def _eligible_sample(programme: Programme, *, on: datetime.date, limit: int) -> list[Any]:
    from xingfu.benefits.selectors import eligible_sample

    return eligible_sample(programme, on=on, limit=limit)


def benefits_summary(result: dict[str, int]) -> str:
    """The one line ``xingfu demo`` prints about benefits."""
    return "benefits: " + ", ".join(f"{n} {what}" for what, n in result.items()) + " created"
