"""Record linkage: outside lists, link runs, the candidate pairs they propose, and the decisions taken on them.

- An ``OutsideList`` is an uploaded hospital birth list or household-registration extract; its rows are
  ``OutsideRecord``s. A ``LinkRun`` links a list against the registry in a scope (or, for a deduplication
  run, the registry against itself) and proposes ``Candidate``s.
- A ``Decision`` is insert-only, one per candidate, and carries the candidate's ``pair_key``: a re-run never
  proposes a pair that has been decided, nor a row that has been settled.
- A ``PersonMerge`` records that one person was merged into another: the merged-away person is kept,
  pointing at the survivor, with what was moved.

Every candidate and record carries the org unit it concerns, so scoping is one prefix match on its path.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xingfu.core.append_only import AppendOnlyModel
from xingfu.registry.models import Sex


class ListTemplate(models.TextChoices):
    HOSPITAL_BIRTHS = "hospital_births", _("Hospital birth list")
    HOUSEHOLD_EXTRACT = "household_extract", _("Household-registration extract")


class LinkRunKind(models.TextChoices):
    HOSPITAL_BIRTHS = "hospital_births", _("Hospital birth list")
    HOUSEHOLD_EXTRACT = "household_extract", _("Household-registration extract")
    DEDUPLICATION = "deduplication", _("Registry deduplication")


class LinkRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CandidateBand(models.TextChoices):
    CERTAIN = "certain", _("Certain (same ID number)")
    PROBABLE = "probable", _("Probable")
    NONE = "none", _("No match")


class Proposal(models.TextChoices):
    """What accepting a candidate does."""

    LINK = "link", _("Link the row to the registry person")
    ADD_BIRTH = "add_birth", _("Record the birth in the registry")
    ADD_PERSON = "add_person", _("Add the person to the registry")
    MERGE = "merge", _("Merge the two registry persons")


class Verdict(models.TextChoices):
    LINKED_AUTOMATICALLY = "linked_automatically", _("Linked automatically (same ID number)")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CandidateStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("candidate status", "Open")
    LINKED_AUTOMATICALLY = "linked_automatically", _("Linked automatically")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class OutsideList(models.Model):
    template = models.CharField(_("template"), max_length=20, choices=ListTemplate.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The uploader's scope: the registry it is linked against, and the villages its rows may name.
    scope = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_left_out = models.PositiveIntegerField(_("rows left out"), default=0)
    # [{"row": 12, "column": "出生日期", "reason": "..."}]: values left out or rows skipped (at most 50 listed).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outside list")
        verbose_name_plural = _("outside lists")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "sha256"], name="outsidelist_file_once_per_scope"),
            models.CheckConstraint(condition=Q(template__in=ListTemplate.values), name="outsidelist_template_known"),
        ]

    def __str__(self) -> str:
        return self.file_name


class OutsideRecord(models.Model):
    """One row of an outside list. On a birth list ``name``, ``id_number`` and ``birth_date`` are the
    mother's; the child is in the ``child_*`` fields."""

    outside_list = models.ForeignKey(
        OutsideList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="records"
    )
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    village_code = models.CharField(_("village code"), max_length=12, blank=True)
    facility = models.CharField(_("facility"), max_length=200, blank=True)
    child_sex = models.CharField(_("sex of the child"), max_length=1, blank=True, choices=Sex.choices)
    child_name = models.CharField(_("name of the child"), max_length=50, blank=True)
    child_birth_date = models.DateField(_("birth date of the child"), null=True, blank=True)
    # The same row in next month's list has the same key, so that its decisions carry over.
    record_key = models.CharField(_("record key"), max_length=40, db_index=True)
    # The row's village if it names one, else the list's scope.
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("outside record")
        verbose_name_plural = _("outside records")
        ordering = ["outside_list_id", "row"]
        constraints = [
            models.UniqueConstraint(fields=["outside_list", "row"], name="outsiderecord_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.outside_list_id}:{self.row}"


class LinkRun(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=LinkRunKind.choices)
    outside_list = models.ForeignKey(
        OutsideList, verbose_name=_("list"), null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    scope = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=LinkRunStatus.choices, default=LinkRunStatus.QUEUED)
    step = models.CharField(_("step"), max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    records = models.PositiveIntegerField(_("records compared"), default=0)
    registry_persons = models.PositiveIntegerField(_("registry persons compared"), default=0)
    certain = models.PositiveIntegerField(_("certain matches"), default=0)
    probable = models.PositiveIntegerField(_("probable matches"), default=0)
    unmatched = models.PositiveIntegerField(_("without a match"), default=0)
    skipped = models.PositiveIntegerField(_("skipped (already decided)"), default=0)
    # The trained model: prior odds, m and u per comparison level, and notes on training.
    parameters = models.JSONField(_("model parameters"), default=dict, blank=True)
    seconds = models.JSONField(_("seconds per step"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("link run")
        verbose_name_plural = _("link runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LinkRunKind.values), name="linkrun_kind_known"),
            models.CheckConstraint(condition=Q(status__in=LinkRunStatus.values), name="linkrun_status_known"),
            models.CheckConstraint(
                condition=Q(kind=LinkRunKind.DEDUPLICATION, outside_list__isnull=True)
                | (~Q(kind=LinkRunKind.DEDUPLICATION) & Q(outside_list__isnull=False)),
                name="linkrun_list_iff_not_dedupe",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (LinkRunStatus.DONE, LinkRunStatus.FAILED)


class Candidate(models.Model):
    """A proposal a run makes: an outside record and the registry person it probably is (or none), or two
    registry persons who are probably one."""

    run = models.ForeignKey(LinkRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="candidates")
    record = models.ForeignKey(
        OutsideRecord,
        verbose_name=pgettext_lazy("outside list", "record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("other person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # On a birth list: the registry's birth event this row is, when the mother's births include it.
    birth = models.ForeignKey(
        "registry.LifeEvent",
        verbose_name=_("registered birth"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    band = models.CharField(_("band"), max_length=10, choices=CandidateBand.choices)
    proposal = models.CharField(_("proposal"), max_length=12, choices=Proposal.choices)
    match_weight = models.FloatField(_("match weight"), null=True, blank=True)
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    # {"name": 2, "id_number": 0, ...}: the index of the comparison level each field fell in.
    levels = models.JSONField(_("comparison levels"), default=dict, blank=True)
    pair_key = models.CharField(_("pair key"), max_length=80, db_index=True)
    record_key = models.CharField(_("record key"), max_length=40, blank=True, db_index=True)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        ordering = ["run_id", "id"]
        indexes = [models.Index(fields=["run", "band"], name="candidate_run_band")]
        constraints = [
            models.UniqueConstraint(fields=["run", "pair_key"], name="candidate_pair_once_per_run"),
            models.CheckConstraint(condition=Q(band__in=CandidateBand.values), name="candidate_band_known"),
            models.CheckConstraint(condition=Q(proposal__in=Proposal.values), name="candidate_proposal_known"),
        ]

    def __str__(self) -> str:
        return self.pair_key


class PersonMerge(models.Model):
    """``merged`` was found to be the same person as ``survivor`` and merged into it. The merged-away
    person is kept (never deleted), pointing here at the survivor; ``moved`` lists the rows moved over."""

    survivor = models.ForeignKey(
        "registry.Person", verbose_name=_("survivor"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.OneToOneField(
        "registry.Person", verbose_name=_("merged-away person"), on_delete=models.PROTECT, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    # {"events": {"person": [ids], "mother": [...]}, "memberships": [ids], "closed_membership": id, "before": {...}}
    moved = models.JSONField(_("what was moved"), default=dict)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=models.F("merged")), name="personmerge_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class Decision(AppendOnlyModel):
    """What a reviewer (or, for the same ID number, the system) decided on a candidate. Insert-only: a
    decision is never changed or removed, and a pair once decided is never proposed again."""

    candidate = models.OneToOneField(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="decision"
    )
    pair_key = models.CharField(_("pair key"), max_length=80, unique=True)
    record_key = models.CharField(_("record key"), max_length=40, blank=True, db_index=True)
    proposal = models.CharField(_("proposal"), max_length=12, choices=Proposal.choices)
    verdict = models.CharField(_("verdict"), max_length=24, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    # The registry person the record now is (linked, or created), or the merge's survivor.
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "registry.LifeEvent",
        verbose_name=_("recorded event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merge = models.ForeignKey(
        PersonMerge, verbose_name=_("merge"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="decision_verdict_known"),
            models.CheckConstraint(
                condition=~Q(verdict=Verdict.LINKED_AUTOMATICALLY) | Q(proposal=Proposal.LINK),
                name="decision_automatic_only_links",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair_key}: {self.verdict}"
