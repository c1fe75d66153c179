"""User accounts: every user has one role and one scope org unit (the subtree she works in)."""

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xingfu.accounts.roles import Perm, Role, role_has


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # A user without a scope cannot log in (rather than seeing everything).
    scope = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("scope org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    department = models.CharField(
        _("department"), max_length=100, blank=True, help_text=_("For department liaisons: the partner department.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def can(self, perm: Perm) -> bool:
        """Whether this user's role grants ``perm`` (where: always within ``scope``)."""
        return bool(self.is_active and self.scope_id and role_has(self.role, perm))

    # The Django admin is the district administrator's tool (Perm.ADMIN_SITE); inside it she may use every
    # model page, including third-party ones such as unlocking an axes lock-out. Nobody else gets model
    # permissions: every other role works through Xingfu's own pages, where the role table decides.
    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.can(Perm.ADMIN_SITE):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.can(Perm.ADMIN_SITE):
            return True
        return super().has_module_perms(app_label)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
