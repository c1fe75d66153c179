"""One upload of a registry spreadsheet and what became of it (see docs/import.md).

A batch is created when the file arrives, then checked and written by ``imports.services.import_run``
(as a task for large files). Its progress fields are what the upload page polls; its ``report`` lists every
bad row. Registry rows are written only when the whole file is good, so a batch is either ``done`` (every
row written) or ``rejected`` (nothing written, the report says why).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking the rows")
    WRITING = "writing", _("Writing to the registry")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing was imported")
    FAILED = "failed", _("Failed: nothing was imported")


# A batch in one of these states holds its file's SHA-256: the same file cannot be imported twice. A rejected
# or failed batch wrote nothing, so the same file may be uploaded again (once the village exists, say).
LIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING, ImportStatus.DONE)
FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


class ImportBatch(models.Model):
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # The uploaded file, kept only until the batch has run (it holds resident-ID numbers).
    upload = models.FileField(_("uploaded file"), upload_to="registry-imports/", blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    # The uploader's language: the report's reasons are written in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The uploader's scope when the file arrived: its villages are the ones the file may name.
    scope = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    persons_created = models.PositiveIntegerField(_("persons added"), default=0)
    households_created = models.PositiveIntegerField(_("households registered"), default=0)
    households_extended = models.PositiveIntegerField(_("existing households given new members"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row": 12, "column": "身份证号", "reason": "...", "value": "370406********1234"}, ...]; row None for
    # a problem with the whole file. At most imports.validate.REPORT_LIMIT entries; error_count has them all.
    report = models.JSONField(_("report"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sha256"], name="importbatch_sha256")]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"], condition=Q(status__in=LIVE_STATUSES), name="importbatch_sha256_once"
            ),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="importbatch_status_known"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int:
        """How far the batch has got, for the progress bar: checking takes the first 80 %, writing (one
        transaction, so it cannot report from inside) stands at 90 % until it commits."""
        if self.status in FINISHED_STATUSES:
            return 100
        if self.status == ImportStatus.WRITING:
            return 90
        if self.status == ImportStatus.CHECKING and self.rows_total:
            return 5 + int(75 * min(self.rows_checked, self.rows_total) / self.rows_total)
        return 0 if self.status == ImportStatus.QUEUED else 5
