"""Writes of the care app, one function per thing a health worker does (``<entity>_<verb>``), each atomic
with its audit row. Grouped by subject: enrollments (pregnancies), visits, checkups, labimport, screening."""

from xingfu.care.services.checkups import ResultInput, checkup_assess, checkup_book, checkup_results_record
from xingfu.care.services.enrollments import (
    Child,
    enrollment_close,
    outcome_record,
    pregnancy_register,
    responsible_assign,
)
from xingfu.care.services.labimport import lab_results_import
from xingfu.care.services.screening import (
    campaign_plan,
    invitations_generate,
    screening_checkin,
    screening_result_record,
)
from xingfu.care.services.visits import visit_record

__all__ = [
    "Child",
    "ResultInput",
    "campaign_plan",
    "checkup_assess",
    "checkup_book",
    "checkup_results_record",
    "enrollment_close",
    "invitations_generate",
    "lab_results_import",
    "outcome_record",
    "pregnancy_register",
    "responsible_assign",
    "screening_checkin",
    "screening_result_record",
    "visit_record",
]
