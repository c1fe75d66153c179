"""The modules in the top navigation. An app adds its entry here when its pages land; an entry
shows only to roles whose permission table grants ``perm``."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xingfu.accounts.roles import Perm


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    perm: Perm


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Home"), Perm.ORGUNITS_VIEW),
    NavItem("registry-home", _("Registry"), Perm.REGISTRY_VIEW),
    NavItem("benefits-home", _("Benefits"), Perm.BENEFITS_VIEW),
    # Department liaisons see no benefits lists, only their own two tasks.
    NavItem("benefits-certificate-check", _("Certificate check"), Perm.BENEFITS_CERTIFY),
    NavItem("benefits-commitments", _("Department commitments"), Perm.COMMITMENTS_RECORD),
    NavItem("care-home", _("Care"), Perm.CARE_VIEW),
    NavItem("analytics-home", _("Analytics"), Perm.ANALYTICS_VIEW),
    NavItem("linkage-home", _("Record linkage"), Perm.LINKAGE_VIEW),
    NavItem("oversight-home", _("Oversight"), Perm.OVERSIGHT_VIEW),
    NavItem("outreach-home", _("Outreach"), Perm.OUTREACH_VIEW),
    NavItem("orgunit-tree", _("Org units"), Perm.ORGUNITS_VIEW),
    NavItem("audit-list", _("Audit trail"), Perm.AUDIT_VIEW),
]
