"""Figures oversight works with. Each can be set in Django settings (``XINGFU_OVERSIGHT_<NAME>``); the defaults
are the district's practice (../shared/domain/oversight.md), configuration rather than law in the code."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def setting(name: str, default: Any) -> Any:
    return getattr(settings, f"XINGFU_OVERSIGHT_{name}", default)


def registration_days() -> int:
    """Provincial practice: report an ultrasound device to the county within 20 days of purchase."""
    return int(setting("REGISTRATION_DAYS", 20))


def expiring_licence_days() -> int:
    return int(setting("EXPIRING_LICENCE_DAYS", 60))


def case_days() -> int:
    """Default time from opening a case to its deadline."""
    return int(setting("CASE_DAYS", 60))


def tipoffs_per_hour() -> int:
    """Accepted public tip-offs per client address and hour."""
    return int(setting("TIPOFFS_PER_HOUR", 5))


def challenge_max_age() -> int:
    """Seconds a public form's arithmetic question stays valid."""
    return int(setting("CHALLENGE_MAX_AGE", 60 * 60))


def attachment_max_bytes() -> int:
    return int(setting("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class PenaltyRule:
    """A provision of the rule. A penalty under it is a warning (no fine) or a fine within the bounds."""

    code: str
    label: str | Promise
    min_fine: Decimal | None
    max_fine: Decimal | None


# 国家卫生计生委令第9号 (2016). "Other" cites another provision in the step's summary; no bounds are checked.
PENALTY_RULES: dict[str, PenaltyRule] = {
    rule.code: rule
    for rule in [
        PenaltyRule(
            "drug_records",
            _("Incomplete records of termination drugs bought and used (warning; 10,000–30,000 yuan)"),
            Decimal("10000"),
            Decimal("30000"),
        ),
        PenaltyRule(
            "introducing",
            _("Introducing or organising sex determination or sex-selective termination (warning; 5,000–30,000 yuan)"),
            Decimal("5000"),
            Decimal("30000"),
        ),
        PenaltyRule("other", _("Another provision (cite it in the summary)"), None, None),
    ]
}
