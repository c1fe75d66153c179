"""The national programmes as data: the pre-pregnancy check-up (19 items), antenatal and postnatal care (the
national schedule), and cervical and breast screening. ``care_standard_install`` writes them, idempotently;
the demo calls it, and so does ``xingfu care_schedule --install`` on a new installation.

Schedules are days from the anchor; gestational weeks from the last menstrual period (LMP), so "16–20
weeks" is day 112 (16w0d) to day 146 (20w6d). Follow-up deadlines of the check-up are not fixed nationally
(care.md): the defaults here (early pregnancy 60–90 days after the check, outcome a year after it) are
configurable in the admin.
"""

from dataclasses import dataclass

from django.db import transaction

from xingfu.care.models import CareAnchor, CareProgrammeKind, CareStageKind, CheckItem, CheckItemKind, Programme, Stage


def weeks(w: int, d: int = 0) -> int:
    return w * 7 + d


@dataclass(frozen=True)
class StageDef:
    code: str
    name_zh: str
    name_en: str
    kind: str
    anchor: str
    first_day: int  # due from this day after the anchor
    last_day: int  # ... to this day (inclusive)
    repeat_every: int | None = None
    stops_at_outcome: bool = False
    closes_enrollment: bool = False


@dataclass(frozen=True)
class ProgrammeDef:
    code: str
    kind: str
    name_zh: str
    name_en: str
    eligible_sex: str
    min_age: int | None
    max_age: int | None
    stages: tuple[StageDef, ...]
    description: str = ""


# A girl under 14 is not enrolled as a routine pregnancy: in Chinese law (Criminal Law art. 236) any
# pregnancy under 14 means a crime against a child, which the mandatory-reporting rules send to child
# protection, and PIPL art. 31 puts all of a child's data under her guardian's consent. From 14 on, a
# pregnant adolescent is registered and cared for like anyone else (graded yellow for age ≤ 18).
MATERNAL_MIN_AGE = 14

MATERNAL = ProgrammeDef(
    code="maternal",
    kind=CareProgrammeKind.MATERNAL,
    name_zh="孕产妇健康管理",
    name_en="Antenatal and postnatal care",
    eligible_sex="F",
    min_age=MATERNAL_MIN_AGE,
    max_age=None,
    description="National basic public health services: five antenatal contacts and two postnatal ones.",
    stages=(
        StageDef("anc1", "孕早期首次随访（建册）", "First visit, handbook (before 13 weeks)", CareStageKind.ANTENATAL,
                 CareAnchor.LMP, weeks(6), weeks(12, 6), stops_at_outcome=True),
        StageDef("anc2", "孕中期随访（16–20周）", "Mid-pregnancy visit (16–20 weeks)", CareStageKind.ANTENATAL,
                 CareAnchor.LMP, weeks(16), weeks(20, 6), stops_at_outcome=True),
        StageDef("anc3", "孕中期随访（21–24周）", "Mid-pregnancy visit (21–24 weeks)", CareStageKind.ANTENATAL,
                 CareAnchor.LMP, weeks(21), weeks(24, 6), stops_at_outcome=True),
        StageDef("anc4", "孕晚期随访（28–36周）", "Late-pregnancy visit (28–36 weeks)", CareStageKind.ANTENATAL,
                 CareAnchor.LMP, weeks(28), weeks(36, 6), stops_at_outcome=True),
        StageDef("anc5", "孕晚期随访（37–40周）", "Late-pregnancy visit (37–40 weeks)", CareStageKind.ANTENATAL,
                 CareAnchor.LMP, weeks(37), weeks(40, 6), stops_at_outcome=True),
        StageDef("pnc_home", "产后访视（3–7天）", "Postnatal home visit (3–7 days)", CareStageKind.POSTNATAL,
                 CareAnchor.OUTCOME, 3, 7),
        StageDef("pnc42", "产后42天健康检查", "Postnatal check (42 days)", CareStageKind.POSTNATAL,
                 CareAnchor.OUTCOME, 42, 56, closes_enrollment=True),
    ),
)  # fmt: skip

PREPREGNANCY = ProgrammeDef(
    code="prepregnancy",
    kind=CareProgrammeKind.PREPREGNANCY,
    name_zh="国家免费孕前优生健康检查",
    name_en="Free pre-pregnancy check-up",
    eligible_sex="F",
    min_age=18,
    max_age=None,
    description="19 items for couples planning a pregnancy; risk assessment, counselling and follow-up.",
    stages=(
        StageDef("early_pregnancy", "早孕随访", "Early-pregnancy follow-up", CareStageKind.FOLLOWUP,
                 CareAnchor.CHECK, 60, 90),
        StageDef("outcome", "妊娠结局随访", "Pregnancy-outcome follow-up", CareStageKind.FOLLOWUP,
                 CareAnchor.CHECK, 365, 455, closes_enrollment=True),
    ),
)  # fmt: skip

SCREENING_INTERVAL_DAYS = 3 * 365

SCREENING = ProgrammeDef(
    code="two_cancers",
    kind=CareProgrammeKind.SCREENING,
    name_zh="农村妇女两癌筛查",
    name_en="Cervical and breast cancer screening",
    eligible_sex="F",
    min_age=35,
    max_age=64,
    description="Women 35–64, by village campaign; screened again after three years.",
    stages=(
        StageDef("screening", "宫颈癌和乳腺癌筛查", "Cervical and breast screening", CareStageKind.SCREENING,
                 CareAnchor.ENROLMENT, 0, 0, repeat_every=SCREENING_INTERVAL_DAYS),
    ),
)  # fmt: skip

# (number, code, Chinese name, English name, kind, for the woman only, unit)
CHECK_ITEMS: tuple[tuple[int, str, str, str, str, bool, str], ...] = (
    (1, "education", "优生健康教育", "Health education", CheckItemKind.EXAM, False, ""),
    (2, "history", "病史询问", "History taking", CheckItemKind.EXAM, False, ""),
    (3, "physical", "体格检查", "Physical examination", CheckItemKind.EXAM, False, ""),
    (4, "vaginal", "阴道分泌物检查", "Vaginal discharge test", CheckItemKind.LAB, True, ""),
    (5, "blood_routine", "血液常规检验", "Blood routine", CheckItemKind.LAB, True, ""),
    (6, "urine_routine", "尿液常规检验", "Urine routine", CheckItemKind.LAB, False, ""),
    (7, "blood_group", "血型（ABO、Rh）", "Blood group (ABO, Rh)", CheckItemKind.LAB, False, ""),
    (8, "glucose", "血清葡萄糖测定", "Blood glucose", CheckItemKind.LAB, True, "mmol/L"),
    (9, "alt", "肝功能检测（谷丙转氨酶）", "Liver function (ALT)", CheckItemKind.LAB, False, "U/L"),
    (10, "hbv", "乙型肝炎血清学五项检测", "Hepatitis B five markers", CheckItemKind.LAB, False, ""),
    (11, "creatinine", "肾功能检测（肌酐）", "Kidney function (creatinine)", CheckItemKind.LAB, False, "µmol/L"),
    (12, "tsh", "甲状腺功能检测（促甲状腺激素）", "Thyroid (TSH)", CheckItemKind.LAB, True, "mIU/L"),
    (13, "syphilis", "梅毒螺旋体筛查", "Syphilis", CheckItemKind.LAB, False, ""),
    (14, "rubella", "风疹病毒IgG抗体测定", "Rubella IgG", CheckItemKind.LAB, True, ""),
    (15, "cmv", "巨细胞病毒IgM/IgG抗体测定", "Cytomegalovirus IgM/IgG", CheckItemKind.LAB, True, ""),
    (16, "toxoplasma", "弓形体IgM/IgG抗体测定", "Toxoplasma IgM/IgG", CheckItemKind.LAB, True, ""),
    (17, "ultrasound", "妇科超声常规检查", "Gynaecological ultrasound", CheckItemKind.EXAM, True, ""),
    (18, "risk_assessment", "风险评估和咨询指导", "Risk assessment and counselling", CheckItemKind.ASSESSMENT,
     False, ""),
    (19, "followup", "早孕和妊娠结局跟踪随访", "Follow-up of early pregnancy and outcome", CheckItemKind.FOLLOWUP,
     True, ""),
)  # fmt: skip

STANDARD = (PREPREGNANCY, MATERNAL, SCREENING)


def _programme(definition: ProgrammeDef) -> tuple[Programme, bool]:
    programme, created = Programme.objects.get_or_create(
        code=definition.code,
        defaults={
            "kind": definition.kind,
            "name_zh": definition.name_zh,
            "name_en": definition.name_en,
            "description": definition.description,
            "eligible_sex": definition.eligible_sex,
            "min_age": definition.min_age,
            "max_age": definition.max_age,
        },
    )
    for order, stage in enumerate(definition.stages, start=1):
        # Existing stages are kept as configured: an administrator may have tuned a window.
        Stage.objects.get_or_create(
            programme=programme,
            code=stage.code,
            defaults={
                "name_zh": stage.name_zh,
                "name_en": stage.name_en,
                "kind": stage.kind,
                "order": order,
                "anchor": stage.anchor,
                "offset_days": stage.first_day,
                "window_days": stage.last_day - stage.first_day,
                "repeatable": stage.repeat_every is not None,
                "repeat_interval_days": stage.repeat_every,
                "stops_at_outcome": stage.stops_at_outcome,
                "closes_enrollment": stage.closes_enrollment,
            },
        )
    return programme, created


@transaction.atomic
def care_standard_install() -> dict[str, int]:
    """Create the national programmes, their stages and the 19 check-up items where missing; returns how
    many programmes were created. What exists is left as it is."""
    created = 0
    for definition in STANDARD:
        programme, new = _programme(definition)
        created += int(new)
        if definition.kind == CareProgrammeKind.PREPREGNANCY:
            for number, code, zh, en, kind, women_only, unit in CHECK_ITEMS:
                CheckItem.objects.get_or_create(
                    programme=programme,
                    code=code,
                    defaults={
                        "number": number,
                        "name_zh": zh,
                        "name_en": en,
                        "kind": kind,
                        "women_only": women_only,
                        "unit": unit,
                    },
                )
    return {"programmes": created}
