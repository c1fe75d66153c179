"""The district → town → village hierarchy. Every record in Xingfu belongs to one org unit."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town / subdistrict")
    VILLAGE = "village", _("Village / community")


# Which level may sit under which: the hierarchy is exactly three deep.
PARENT_LEVEL = {Level.TOWN: Level.DISTRICT, Level.VILLAGE: Level.TOWN}


class OrgUnit(models.Model):
    """A place in the hierarchy.

    ``path`` is the materialised chain of codes from the root, ``/370406/370406101/370406101001/``;
    "everything under X" is ``path LIKE X.path || '%'`` (as DHIS2 does), so scoping never walks the tree.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' uses a b-tree only with the pattern opclass on PostgreSQL.
            models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level"], name="orgunit_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="district", parent__isnull=True)
                | Q(level__in=["town", "village"], parent__isnull=False),
                name="orgunit_only_district_is_root",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="orgunit_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the current language (Chinese unless English is chosen and known)."""
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def is_within(self, other: "OrgUnit") -> bool:
        """True if this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"
