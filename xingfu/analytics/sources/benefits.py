"""Sources over the benefits module's ledger and department commitments, read-only from its models (benefits
exposes no set-based selector for indicators). Models are looked up lazily, so that while the module's tables
are missing the sources say "not available" instead of failing a refresh."""

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.analytics.sources.base import COUNT, Field, Measure, QuerySetSource


def _model(name: str) -> Any:
    return apps.get_model("benefits", name)


# The same word and context as the benefits app's own field, so both show 扶助项目.
_PROGRAMME = pgettext_lazy("benefit programme", "programme")


def _programme_codes() -> Sequence[str]:
    return list(_model("Programme").objects.order_by("code").values_list("code", flat=True))


def _ledger() -> QuerySet[Any]:
    return _model("LedgerEntry").objects.all()


def _beneficiary() -> Any:
    # Persons and households share the count: a household's id is negated so the two never collide.
    return Coalesce(F("person_id"), F("household_id") * -1)


payments = QuerySetSource(
    code="payments",
    label=_("Benefit payments"),
    description=_(
        "The benefits ledger: money paid (as the bank confirmed it) less reversals, by the beneficiary's village "
        "and the day it was recorded."
    ),
    app_label="benefits",
    queryset=_ledger,
    date_field="recorded_at",
    date_is_datetime=True,
    village_field="orgunit_id",
    fields={
        "programme": Field("programme", _PROGRAMME, "str", lookup="programme__code", choices_from=_programme_codes),
    },
    measures={
        "count": COUNT,
        "amount": Measure("amount", _("amount paid, net of reversals (yuan)"), how="sum", path="amount"),
        "recipients": Measure(
            "recipients",
            _("recipients (persons or households, each once)"),
            how="distinct",
            path=_beneficiary,
            where=Q(kind="payment", reversed_by__isnull=True),
        ),
    },
    watches=[("benefits.LedgerEntry", None)],
    required_fields=[("benefits.LedgerEntry", "recorded_at"), ("benefits.LedgerEntry", "reverses")],
)


entitlements = QuerySetSource(
    code="entitlements",
    label=_("Benefit entitlements in approved cycles"),
    description=_(
        "What beneficiaries were due in payment cycles once approved, by village and the day of approval, with "
        "whether the money reached them."
    ),
    app_label="benefits",
    queryset=lambda: _model("Entitlement").objects.filter(cycle__approved_at__isnull=False),
    date_field="cycle__approved_at",
    date_is_datetime=True,
    village_field="orgunit_id",
    fields={
        "status": Field("status", _("status"), "str", choices=("pending", "paid", "failed")),
        "programme": Field("programme", _PROGRAMME, "str", lookup="programme__code", choices_from=_programme_codes),
    },
    watches=[("benefits.Entitlement", None), ("benefits.PaymentCycle", None)],
    required_fields=[("benefits.Entitlement", "status"), ("benefits.PaymentCycle", "approved_at")],
)


def _departments() -> Sequence[str]:
    return list(_model("Commitment").objects.order_by("department").values_list("department", flat=True).distinct())


commitment_fulfilments = QuerySetSource(
    code="commitment_fulfilments",
    label=_("Department commitments fulfilled"),
    description=_("What the partner departments did for family-planning families under their commitments."),
    app_label="benefits",
    queryset=lambda: _model("CommitmentFulfilment").objects.all(),
    date_field="date",
    village_field="orgunit_id",
    fields={
        "department": Field(
            "department", _("department"), "str", lookup="commitment__department", choices_from=_departments
        ),
    },
    measures={"count": COUNT, "value": Measure("value", _("value (yuan)"), how="sum", path="value")},
    watches=[("benefits.CommitmentFulfilment", None)],
    required_fields=[("benefits.CommitmentFulfilment", "date"), ("benefits.Commitment", "department")],
)

SOURCES = [payments, entitlements, commitment_fulfilments]
