"""Reads of the org-unit tree. Callers pass units the user may already see (cut by accounts.access)."""

from django.db.models import Count, Q, QuerySet

from xingfu.orgunits.models import Level, OrgUnit


def orgunit_ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The chain from the root down to ``unit`` (inclusive), read from the path in one query."""
    codes = [c for c in unit.path.split("/") if c]
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def orgunit_children_with_counts(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return unit.children.annotate(n_children=Count("children")).order_by("code")


def orgunit_level_counts(unit: OrgUnit) -> dict[str, int]:
    """How many towns and villages lie under ``unit`` (the unit itself included)."""
    row = OrgUnit.objects.filter(path__startswith=unit.path).aggregate(
        towns=Count("id", filter=Q(level=Level.TOWN)),
        villages=Count("id", filter=Q(level=Level.VILLAGE)),
    )
    return {"towns": row["towns"] or 0, "villages": row["villages"] or 0}
