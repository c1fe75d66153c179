"""Reference data of oversight: the inspection schedule per facility kind and the checklist questions.

Loaded by migration 0002 and by ``ensure_reference_data`` (the demo, tests that flush the database); once
loaded they are data, edited in the Django admin (more questions, another rhythm), not here.
"""

from typing import Any

SCHEDULE = {
    # Focus on private clinics and pharmacies (work-described.md §8): every quarter.
    "private_clinic": 4,
    "pharmacy": 4,
    "village_clinic": 2,
    "health_centre": 2,
    "hospital": 1,
    "service_station": 1,
}

CHECKLIST = [
    # code, Chinese, English, finding kind when "no", days to correct
    (
        "warning_signs",
        "“严禁非医学需要的胎儿性别鉴定和选择性别人工终止妊娠”警示标识已醒目张贴",
        "Warning signs against non-medical fetal sex determination and sex-selective termination are displayed",
        "warning_signs",
        15,
    ),
    (
        "licence_valid",
        "执业许可证在有效期内并悬挂",
        "The practice licence is valid and displayed",
        "licence",
        30,
    ),
    (
        "device_register",
        "B超等设备登记簿完整，每台设备已在卫生健康和计划生育部门双登记",
        "The ultrasound device register is complete and every device is registered with both departments",
        "device_register",
        20,
    ),
    (
        "device_found_registered",
        "现场未发现未登记的B超设备",
        "No unregistered ultrasound device found on the premises",
        "unregistered_device",
        7,
    ),
    (
        "operators_current",
        "B超操作人员名单为最新，操作人员持证上岗",
        "The list of ultrasound operators is current and operators are certified",
        "operators",
        30,
    ),
    (
        "ultrasound_log",
        "B超检查登记（日期、检查项目、操作人员）完整",
        "The ultrasound examination log (date, examination, operator) is kept",
        "device_register",
        30,
    ),
    (
        "drug_records",
        "终止妊娠药品购进、使用记录完整",
        "Purchase and use records of termination drugs are complete",
        "drug_records",
        15,
    ),
    (
        "no_sex_determination",
        "未发现非医学需要胎儿性别鉴定或选择性别终止妊娠的迹象",
        "No sign of non-medical fetal sex determination or sex-selective termination",
        "sex_determination",
        7,
    ),
]


def ensure_reference_data(schedule_model: Any = None, item_model: Any = None) -> None:
    """Load what is missing (models may be given as a migration's historical models)."""
    if schedule_model is None or item_model is None:
        from xingfu.oversight.models import ChecklistItem, InspectionSchedule

        schedule_model, item_model = InspectionSchedule, ChecklistItem
    for kind, visits in SCHEDULE.items():
        schedule_model.objects.get_or_create(facility_kind=kind, defaults={"visits_per_year": visits})
    for order, (code, zh, en, finding_kind, days) in enumerate(CHECKLIST, start=1):
        item_model.objects.get_or_create(
            code=code,
            defaults={
                "text_zh": zh,
                "text_en": en,
                "finding_kind": finding_kind,
                "correction_days": days,
                "order": order * 10,
            },
        )
