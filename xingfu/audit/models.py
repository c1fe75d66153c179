"""The audit trail: an append-only, hash-chained record of every write and every sensitive read.

Each event carries ``prev_hash`` (the hash of the event before it) and its own ``hash`` over its content
and ``prev_hash``; ``seq`` numbers events without gaps. Altering, deleting or inserting a row anywhere
breaks the chain, and ``xingfu audit verify`` names the first broken link. ``AuditChainHead`` holds the
last seq and hash, so cutting rows off the end is caught too, and locking it serialises writers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xingfu.core.append_only import AppendOnlyModel


class AuditEvent(AppendOnlyModel):
    seq = models.BigIntegerField(_("sequence"), primary_key=True)
    at = models.DateTimeField(_("time"))
    # No database foreign keys: deleting a user or unit must never need to touch the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept beside the id so scoping the trail is a prefix match with no join.
    orgunit_path = models.CharField(_("org unit path"), max_length=64, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["orgunit_path"], name="audit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row that records where the chain ends (seq and hash of the newest event)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
