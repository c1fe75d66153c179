"""API viewsets of this app. ``routes`` is read by xingfu/api_urls.py: (prefix, viewset, basename).

Thin, like the pages: parse with a serializer, check access (``oversight.access``), call one service or
selector. Every refusal is a 4xx JSON body ``{"status", "code", "reason", "fields"}``; the public tip-off
endpoints need no account and are throttled per client address.
"""

from typing import Any

from xingfu.oversight.api.cases import CaseViewSet, TipOffViewSet
from xingfu.oversight.api.facilities import DeviceViewSet, FacilityViewSet
from xingfu.oversight.api.inspections import FindingViewSet, InspectionViewSet
from xingfu.oversight.api.public import PublicReportViewSet

routes: list[tuple[str, Any, str]] = [
    ("oversight/facilities", FacilityViewSet, "oversight-api-facility"),
    ("oversight/devices", DeviceViewSet, "oversight-api-device"),
    ("oversight/inspections", InspectionViewSet, "oversight-api-inspection"),
    ("oversight/findings", FindingViewSet, "oversight-api-finding"),
    ("oversight/tipoffs", TipOffViewSet, "oversight-api-tipoff"),
    ("oversight/cases", CaseViewSet, "oversight-api-case"),
    ("oversight/public-reports", PublicReportViewSet, "oversight-api-public-report"),
]
