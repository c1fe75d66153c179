"""Outreach events per village and period. ``xingfu.outreach.selectors.outreach_counts`` gives one period per
query; a refresh needs every month at once, so this source groups the events by village and period itself
(read-only, from the outreach models)."""

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xingfu.analytics.sources.base import COUNT, Field, Measure, QuerySetSource

EVENT_KINDS = ("roving", "stall", "performance", "film", "lecture", "commemorative")


def _events() -> QuerySet[Any]:
    return apps.get_model("outreach", "Event").objects.all()


events = QuerySetSource(
    code="outreach_events",
    label=_("Publicity events"),
    description=_("Publicity events held in the villages (planned ones count once their day has come)."),
    app_label="outreach",
    queryset=_events,
    date_field="date",
    village_field="village_id",
    fields={"kind": Field("kind", _("kind of event"), "str", choices=EVENT_KINDS)},
    measures={
        "count": COUNT,
        "people_reached": Measure("people_reached", _("people reached"), how="sum", path="people_reached"),
    },
    watches=[("outreach.Event", None)],
    required_fields=[("outreach.Event", "village"), ("outreach.Event", "people_reached")],
)

SOURCES = [events]
