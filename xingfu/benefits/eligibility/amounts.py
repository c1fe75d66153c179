"""Amount specifications: how much a programme gives, as data, checked when saved and compiled to SQL.

    {"mode": "fixed", "amount": "50.00"}
    {"mode": "tiered", "tiers": [{"if": <condition tree>, "amount": "340.00"}, ...], "otherwise": "0"}
    {"mode": "pro_rata_months", "monthly": "300.00", "age_from_months": 0, "age_to_months": 36}
    {"mode": "application_tier", "tiers": {"key_university": "2000.00", ...}}
    {"mode": "case_by_case", "max": "5000.00"}

``fixed`` and ``tiered`` are the amount per payment (per month, per year, once). ``pro_rata_months`` (persons
only) pays ``monthly`` for each month of the period whose first day finds the person aged within
[age_from_months, age_to_months) months, counting only months on or after the programme's start: the
childcare subsidy (3,600 a year = 300 a month while under 3; born December 2023 → 24 months from January 2025).
The two application modes take the amount from the decision on each application. For a certificate
programme the amount is the discount in percent (0–100).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, DecimalField, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Greatest, Least
from django.utils.translation import gettext as _

from xingfu.benefits.eligibility.conditions import compile_q, leaves, validate_conditions
from xingfu.core.errors import ValidationFailed

MODES = ("fixed", "tiered", "pro_rata_months", "application_tier", "case_by_case")
APPLICATION_MODES = ("application_tier", "case_by_case")
MAX_AMOUNT = Decimal("1000000")
MAX_TIERS = 12
CENT = Decimal("0.01")


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="amount")


def money(value: Any, *, what: str = "amount", percent: bool = False) -> Decimal:
    """A non-negative amount in yuan with at most 2 decimals (or a percentage 0–100); refuses anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _fail(_('%(what)s must be a number written as text, e.g. "50.00".') % {"what": what})
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise _fail(_("%(what)s is not a number.") % {"what": what}) from None
    if not amount.is_finite():
        raise _fail(_("%(what)s is not a number.") % {"what": what})
    if amount < 0:
        raise _fail(_("%(what)s cannot be below zero.") % {"what": what})
    limit = Decimal(100) if percent else MAX_AMOUNT
    if amount > limit:
        raise _fail(_("%(what)s cannot be above %(limit)s.") % {"what": what, "limit": limit})
    if amount != amount.quantize(CENT):
        raise _fail(_("%(what)s has at most 2 decimal places.") % {"what": what})
    return amount.quantize(CENT)


def _months(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1200:
        raise _fail(_("%(what)s is a whole number of months from 0 to 1200.") % {"what": what})
    return value


def validate_amount(spec: Any, *, unit: str, needs_application: bool, percent: bool = False) -> dict[str, Any]:
    """The amount specification, checked and normalised (amounts as strings with 2 decimals)."""
    if not isinstance(spec, dict) or spec.get("mode") not in MODES:
        raise _fail(_("The amount needs a mode: %(modes)s.") % {"modes": ", ".join(MODES)})
    mode = spec["mode"]
    if needs_application != (mode in APPLICATION_MODES):
        raise _fail(_("Programmes that need an application use application_tier or case_by_case; others may not."))

    def keys(*allowed: str) -> None:
        extra = set(spec) - {"mode", *allowed}
        if extra:
            raise _fail(_("Unexpected keys in the amount: %(keys)s.") % {"keys": ", ".join(sorted(extra))[:100]})

    if mode == "fixed":
        keys("amount")
        return {"mode": mode, "amount": str(money(spec.get("amount"), percent=percent))}
    if mode == "tiered":
        keys("tiers", "otherwise")
        tiers = spec.get("tiers")
        if not isinstance(tiers, list) or not 1 <= len(tiers) <= MAX_TIERS:
            raise _fail(_("tiers is a list of 1 to %(n)d tiers.") % {"n": MAX_TIERS})
        cleaned = []
        for tier in tiers:
            if not isinstance(tier, dict) or set(tier) != {"if", "amount"}:
                raise _fail(_("Each tier has exactly the keys if and amount."))
            condition = validate_conditions(tier["if"], unit=unit)
            cleaned.append({"if": condition, "amount": str(money(tier["amount"], percent=percent))})
        otherwise = money(spec.get("otherwise", "0"), what="otherwise", percent=percent)
        return {"mode": mode, "tiers": cleaned, "otherwise": str(otherwise)}
    if mode == "pro_rata_months":
        keys("monthly", "age_from_months", "age_to_months")
        if unit != "person":
            raise _fail(_("Pro rata by months of age is for programmes whose unit is a person."))
        low = _months(spec.get("age_from_months", 0), "age_from_months")
        high = _months(spec.get("age_to_months"), "age_to_months")
        if high <= low:
            raise _fail(_("age_to_months must be above age_from_months."))
        return {
            "mode": mode,
            "monthly": str(money(spec.get("monthly"), what="monthly", percent=percent)),
            "age_from_months": low,
            "age_to_months": high,
        }
    if mode == "application_tier":
        keys("tiers")
        tiers = spec.get("tiers")
        if not isinstance(tiers, dict) or not 1 <= len(tiers) <= MAX_TIERS:
            raise _fail(_("tiers maps 1 to %(n)d tier names to amounts.") % {"n": MAX_TIERS})
        cleaned_tiers: dict[str, str] = {}
        for name, value in tiers.items():
            if not isinstance(name, str) or not 1 <= len(name) <= 40:
                raise _fail(_("A tier name has 1 to 40 characters."))
            cleaned_tiers[name] = str(money(value))
        return {"mode": mode, "tiers": cleaned_tiers}
    keys("max")
    return {"mode": mode, "max": str(money(spec.get("max"), what="max"))}


# --- SQL --------------------------------------------------------------------------------------------------


def _constant(value: Decimal) -> Combinable:
    # Cast, so that SQLite compares and multiplies a number rather than the text it binds a Decimal as.
    return Cast(Value(value), output_field=DecimalField(max_digits=12, decimal_places=2))


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Window:
    """The days a payment covers: the period, cut to the programme's own dates."""

    first: datetime.date
    last: datetime.date

    @property
    def first_month(self) -> int:
        """Index of the first month whose first day lies in the window."""
        return _month_index(self.first) + (0 if self.first.day == 1 else 1)

    @property
    def last_month(self) -> int:
        return _month_index(self.last)


def months_expression(window: Window, *, age_from: int, age_to: int) -> Combinable:
    """For a Person queryset: the months of ``window`` whose first day finds the person aged in
    [age_from, age_to) months (a person born on the 1st is 0 months old on that day; otherwise the first
    such month is the one after the birth)."""
    born = Cast(ExtractYear("birth_date") * 12 + ExtractMonth("birth_date") - 1, output_field=IntegerField())
    first_day_of_life_month = Case(When(birth_date__day=1, then=Value(0)), default=Value(1))
    start = born + first_day_of_life_month
    low = Greatest(start + Value(age_from), Value(window.first_month))
    high = Least(start + Value(age_to - 1), Value(window.last_month))
    return Greatest(high - low + Value(1), Value(0), output_field=IntegerField())


def amount_expression(spec: dict[str, Any], *, unit: str, window: Window) -> Combinable | None:
    """The amount for each unit as a SQL expression, or None where it is decided per application."""
    mode = spec["mode"]
    output: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
    if mode == "fixed":
        return _constant(Decimal(spec["amount"]))
    if mode == "tiered":
        whens = [
            When(compile_q(tier["if"], unit=unit), then=_constant(Decimal(tier["amount"]))) for tier in spec["tiers"]
        ]
        return Case(*whens, default=_constant(Decimal(spec["otherwise"])), output_field=output)
    if mode == "pro_rata_months":
        return ExpressionWrapper(
            _constant(Decimal(spec["monthly"])) * F("benefit_months"),
            output_field=output,
        )
    return None


def extra_annotations(spec: dict[str, Any], *, window: Window) -> dict[str, Combinable]:
    """What the amount needs annotated first (the months, for pro rata)."""
    if spec["mode"] == "pro_rata_months":
        return {
            "benefit_months": months_expression(window, age_from=spec["age_from_months"], age_to=spec["age_to_months"])
        }
    return {}


def facts_in_amount(spec: dict[str, Any], *, unit: str) -> set[str]:
    if spec["mode"] != "tiered":
        return set()
    return {leaf.fact.name for tier in spec["tiers"] for leaf in leaves(tier["if"], unit=unit)}


def application_amount(spec: dict[str, Any], *, tier: str) -> Decimal | None:
    """The amount an application's tier gives (application_tier), or None if decided case by case."""
    if spec["mode"] == "application_tier":
        value = spec["tiers"].get(tier)
        return Decimal(value) if value is not None else None
    return None


def describe(spec: dict[str, Any]) -> str:
    """The amount in a line, for pages."""
    mode = spec.get("mode")
    if mode == "fixed":
        return str(spec["amount"])
    if mode == "tiered":
        amounts = [t["amount"] for t in spec["tiers"]]
        return _("%(amounts)s by tier, otherwise %(otherwise)s") % {
            "amounts": " / ".join(amounts),
            "otherwise": spec["otherwise"],
        }
    if mode == "pro_rata_months":
        return _("%(monthly)s a month while aged %(low)d–%(high)d months") % {
            "monthly": spec["monthly"],
            "low": spec["age_from_months"],
            "high": spec["age_to_months"],
        }
    if mode == "application_tier":
        return " / ".join(f"{k}: {v}" for k, v in spec["tiers"].items())
    return _("decided case by case, at most %(max)s") % {"max": spec.get("max")}
