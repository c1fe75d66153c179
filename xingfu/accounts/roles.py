"""Roles and what each may do: the one permission table, in code, shown in docs/architecture.md.

A permission says *what* a role may do; *where* is always the user's scope subtree (``access.py``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    TOWN_OFFICER = "town_officer", _("Town officer")
    VILLAGE_WORKER = "village_worker", _("Village health worker")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    INSPECTOR = "inspector", _("Inspector")
    AUDITOR = "auditor", _("Auditor (read-only)")


class Perm(models.TextChoices):
    ORGUNITS_VIEW = "orgunits.view", _("See org units")
    ORGUNITS_MANAGE = "orgunits.manage", _("Create and rename org units")
    USERS_VIEW = "accounts.view_users", _("See user accounts")
    USERS_MANAGE = "accounts.manage_users", _("Create accounts and assign roles")
    AUDIT_VIEW = "audit.view", _("Read the audit trail")
    ADMIN_SITE = "admin.site", _("Use the Django admin")
    REGISTRY_VIEW = "registry.view", _("See households and persons")
    REGISTRY_EDIT = "registry.edit", _("Register households, persons and life events")
    REGISTRY_IMPORT = "registry.import", _("Import registry spreadsheets")
    REGISTRY_EXPORT = "registry.export", _("Export the registry")
    REGISTRY_UNMASK = "registry.unmask", _("See full resident-ID and phone numbers (audited)")
    BENEFITS_VIEW = "benefits.view", _("See programmes, eligibility and payments")
    BENEFITS_MANAGE = "benefits.manage", _("Define programmes")
    BENEFITS_PREPARE = "benefits.prepare", _("Prepare payment cycles")
    BENEFITS_APPROVE = "benefits.approve", _("Approve payment cycles (not one's own)")
    BENEFITS_CERTIFY = "benefits.certify", _("Check a household's priority-treatment certificate")
    COMMITMENTS_RECORD = "benefits.commitments", _("Record department commitment fulfilment")
    CARE_VIEW = "care.view", _("See care records (health data, audited)")
    CARE_RECORD = "care.record", _("Record visits, check-ups and screening")
    ANALYTICS_VIEW = "analytics.view", _("See indicators and dashboards")
    SCORECARDS_MANAGE = "analytics.scorecards", _("Define scorecards and record decisions")
    LINKAGE_VIEW = "linkage.view", _("See record-linkage runs and review queues")
    LINKAGE_REVIEW = "linkage.review", _("Run record linkage and decide on candidate matches")
    OVERSIGHT_VIEW = "oversight.view", _("See facilities, devices, inspections and cases")
    OVERSIGHT_RECORD = "oversight.record", _("Record facilities, devices, inspections and cases")
    OUTREACH_VIEW = "outreach.view", _("See publicity, events and trainings")
    OUTREACH_RECORD = "outreach.record", _("Record publicity, events and trainings")


_ALL = frozenset(Role)
_STAFF = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.VILLAGE_WORKER})
_HEALTH = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.VILLAGE_WORKER})

PERMISSIONS: dict[Perm, frozenset[Role]] = {
    Perm.ORGUNITS_VIEW: _ALL,
    Perm.ORGUNITS_MANAGE: frozenset({Role.DISTRICT_ADMIN}),
    Perm.USERS_VIEW: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.AUDITOR}),
    Perm.USERS_MANAGE: frozenset({Role.DISTRICT_ADMIN}),
    Perm.AUDIT_VIEW: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.AUDITOR}),
    Perm.ADMIN_SITE: frozenset({Role.DISTRICT_ADMIN}),
    Perm.REGISTRY_VIEW: _STAFF | {Role.AUDITOR},
    Perm.REGISTRY_EDIT: _STAFF,
    Perm.REGISTRY_IMPORT: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER}),
    Perm.REGISTRY_EXPORT: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER}),
    Perm.REGISTRY_UNMASK: _STAFF,
    Perm.BENEFITS_VIEW: _STAFF | {Role.AUDITOR},
    Perm.BENEFITS_MANAGE: frozenset({Role.DISTRICT_ADMIN}),
    Perm.BENEFITS_PREPARE: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER}),
    Perm.BENEFITS_APPROVE: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER}),
    Perm.BENEFITS_CERTIFY: frozenset({Role.DEPARTMENT_LIAISON, Role.DISTRICT_ADMIN}),
    Perm.COMMITMENTS_RECORD: frozenset({Role.DEPARTMENT_LIAISON, Role.DISTRICT_ADMIN}),
    Perm.CARE_VIEW: _HEALTH,
    Perm.CARE_RECORD: _HEALTH,
    Perm.ANALYTICS_VIEW: _STAFF | {Role.AUDITOR, Role.DEPARTMENT_LIAISON, Role.INSPECTOR},
    Perm.SCORECARDS_MANAGE: frozenset({Role.DISTRICT_ADMIN}),
    Perm.LINKAGE_VIEW: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.AUDITOR}),
    Perm.LINKAGE_REVIEW: frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER}),
    Perm.OVERSIGHT_VIEW: frozenset({Role.DISTRICT_ADMIN, Role.INSPECTOR, Role.AUDITOR, Role.TOWN_OFFICER}),
    Perm.OVERSIGHT_RECORD: frozenset({Role.DISTRICT_ADMIN, Role.INSPECTOR}),
    Perm.OUTREACH_VIEW: _STAFF | {Role.AUDITOR},
    Perm.OUTREACH_RECORD: _STAFF,
}


def role_has(role: str, perm: Perm) -> bool:
    try:
        return Role(role) in PERMISSIONS[perm]
    except ValueError:
        return False


def permission_table_markdown() -> str:
    """The permission table as Markdown, for docs/architecture.md (a test keeps the docs in step)."""
    roles = list(Role)
    head = "| permission | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{perm.value}` | " + " | ".join("✓" if r in PERMISSIONS[perm] else "" for r in roles) + " |"
        for perm in Perm
    ]
    return "\n".join([head, rule, *rows])
