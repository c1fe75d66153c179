"""Oversight of providers: facilities, ultrasound devices, inspections, tip-offs from the public and cases.

Everything here is about *providers* (clinics, pharmacies, device holders), never about residents or their
health records: this app stands on accounts, audit and orgunits alone (docs: ../shared/domain/oversight.md).
Every record belongs to an org unit (a facility's village or town; a tip-off's or case's town) and is scoped
by that unit's path.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xingfu.core.append_only import AppendOnlyModel


class FacilityKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_CENTRE = "health_centre", _("Township health centre")
    VILLAGE_CLINIC = "village_clinic", _("Village clinic")
    PRIVATE_CLINIC = "private_clinic", _("Private clinic")
    PHARMACY = "pharmacy", _("Pharmacy")
    SERVICE_STATION = "service_station", _("Family-planning service station")


class FacilityStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("facility status", "Open")
    CLOSED = "closed", pgettext_lazy("facility status", "Closed")


class Service(models.TextChoices):
    """Services a facility offers that matter to oversight."""

    ULTRASOUND = "ultrasound", _("Ultrasound examinations")
    TERMINATION = "termination", _("Termination of pregnancy")
    TERMINATION_DRUGS = "termination_drugs", _("Sells or dispenses termination drugs")
    DELIVERIES = "deliveries", _("Deliveries")
    ANTENATAL = "antenatal", _("Antenatal care")
    CONTRACEPTION = "contraception", _("Contraception")
    GENERAL = "general", _("General outpatient care")


class Facility(models.Model):
    """A medical or pharmacy outlet in the district's register."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    licence_number = models.CharField(_("licence number"), max_length=64, blank=True)
    licence_expiry = models.DateField(_("licence expires"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("village or town"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    phone = models.CharField(_("facility phone"), max_length=30, blank=True)
    staff = models.TextField(_("staff"), blank=True, help_text=_("One person per line: name and role."))
    staff_count = models.PositiveIntegerField(_("number of staff"), default=0)
    services = models.JSONField(_("services offered"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["kind", "status"], name="facility_kind_status"),
            models.Index(fields=["licence_expiry"], name="facility_licence_expiry"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == FacilityStatus.OPEN

    @property
    def service_labels(self) -> list[str]:
        return [str(Service(s).label) for s in self.services or [] if s in Service.values]


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    STORED = "stored", _("Stored, not in use")
    SOLD = "sold", _("Sold out of the district")
    SCRAPPED = "scrapped", _("Scrapped")


# The flags of a device, as conditions the database evaluates (for lists, counts and the register report).
DEVICE_ACTIVE = Q(status__in=[DeviceStatus.IN_USE, DeviceStatus.STORED])
DEVICE_MISSING_HEALTH = Q(health_reg_date__isnull=True) | Q(health_reg_number="")
DEVICE_MISSING_FP = Q(fp_reg_date__isnull=True) | Q(fp_reg_number="")
DEVICE_LATE = Q(health_reg_date__gt=models.F("registration_due")) | Q(fp_reg_date__gt=models.F("registration_due"))
DEVICE_FLAGGED = DEVICE_ACTIVE & (DEVICE_MISSING_HEALTH | DEVICE_MISSING_FP | DEVICE_LATE)


class DeviceQuerySet(models.QuerySet["UltrasoundDevice"]):
    def flagged(self) -> "DeviceQuerySet":
        """Devices in service that lack a registration or were registered late."""
        return self.filter(DEVICE_FLAGGED)


class UltrasoundDevice(models.Model):
    """One ultrasound machine, registered twice: with the health and with the family-planning department."""

    make = models.CharField(_("make"), max_length=100)
    model_name = models.CharField(_("model"), max_length=100)
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    purchase_date = models.DateField(_("purchase date"))
    seller = models.CharField(_("seller"), max_length=200, blank=True)
    facility = models.ForeignKey(Facility, verbose_name=_("location"), on_delete=models.PROTECT, related_name="devices")
    operators = models.TextField(_("authorised operators"), blank=True, help_text=_("One operator per line."))
    health_reg_number = models.CharField(_("health department registration number"), max_length=64, blank=True)
    health_reg_date = models.DateField(_("health department registration date"), null=True, blank=True)
    fp_reg_number = models.CharField(_("family-planning registration number"), max_length=64, blank=True)
    fp_reg_date = models.DateField(_("family-planning registration date"), null=True, blank=True)
    # purchase_date + the registration period in force when the device was recorded (provincial practice:
    # 20 days). Stored, so "registered late" is a plain comparison the database can index and count.
    registration_due = models.DateField(_("registration due by"))
    status = models.CharField(_("status"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ultrasound device")
        verbose_name_plural = _("ultrasound devices")
        ordering = ["serial"]
        constraints = [
            models.CheckConstraint(condition=~Q(serial=""), name="device_serial_not_empty"),
            models.CheckConstraint(
                condition=Q(health_reg_date__isnull=True) | Q(health_reg_date__gte=models.F("purchase_date")),
                name="device_health_reg_not_before_purchase",
            ),
            models.CheckConstraint(
                condition=Q(fp_reg_date__isnull=True) | Q(fp_reg_date__gte=models.F("purchase_date")),
                name="device_fp_reg_not_before_purchase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.make} {self.model_name} ({self.serial})"

    @property
    def is_active(self) -> bool:
        return self.status in (DeviceStatus.IN_USE, DeviceStatus.STORED)

    @property
    def flags(self) -> list[str]:
        """Why the device is flagged, as codes: ``missing_health_registration``, ``missing_fp_registration``,
        ``late_registration`` (none once it is sold or scrapped)."""
        if not self.is_active:
            return []
        flags = []
        if not (self.health_reg_date and self.health_reg_number):
            flags.append("missing_health_registration")
        if not (self.fp_reg_date and self.fp_reg_number):
            flags.append("missing_fp_registration")
        late = [d for d in (self.health_reg_date, self.fp_reg_date) if d and d > self.registration_due]
        if late:
            flags.append("late_registration")
        return flags

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[f]) for f in self.flags]

    @property
    def operator_list(self) -> list[str]:
        return [line.strip() for line in self.operators.splitlines() if line.strip()]


FLAG_LABELS = {
    "missing_health_registration": _("No health department registration"),
    "missing_fp_registration": _("No family-planning registration"),
    "late_registration": _("Registered more than the allowed days after purchase"),
}


class DeviceEventKind(models.TextChoices):
    RECORDED = "recorded", _("Recorded in the register")
    REGISTERED = "registered", _("Registration recorded")
    MOVED = "moved", _("Moved")
    SOLD = "sold", _("Sold")
    SCRAPPED = "scrapped", _("Scrapped")
    OPERATORS = "operators", _("Operators changed")


class DeviceEvent(AppendOnlyModel):
    """The device's history (append-only): recorded, registered, moved, sold, scrapped."""

    device = models.ForeignKey(UltrasoundDevice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=DeviceEventKind.choices)
    on = models.DateField(_("date"))
    from_facility = models.ForeignKey(
        Facility,
        verbose_name=pgettext_lazy("device history", "from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_facility = models.ForeignKey(
        Facility, verbose_name=_("to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counterparty = models.CharField(_("buyer, seller or recycler"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(pgettext_lazy("time recorded", "recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        ordering = ["device", "on", "id"]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.on}"


# --- Inspections ----------------------------------------------------------------------------------------


class InspectionSchedule(models.Model):
    """How often each kind of facility gets a planned inspection (data, loaded by a migration)."""

    facility_kind = models.CharField(_("facility kind"), max_length=20, choices=FacilityKind.choices, unique=True)
    visits_per_year = models.PositiveSmallIntegerField(_("planned visits per year"))

    class Meta:
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        ordering = ["facility_kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visits_per_year__in=[0, 1, 2, 3, 4, 6, 12]), name="schedule_visits_divide_the_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_facility_kind_display()}: {self.visits_per_year}/yr"


class FindingKind(models.TextChoices):
    WARNING_SIGNS = "warning_signs", _("Warning signs not displayed")
    DEVICE_REGISTER = "device_register", _("Device register incomplete")
    OPERATORS = "operators", _("Operator list not current")
    DRUG_RECORDS = "drug_records", _("Termination drug records incomplete")
    UNREGISTERED_DEVICE = "unregistered_device", _("Unregistered ultrasound device")
    SEX_DETERMINATION = "sex_determination", _("Signs of fetal sex determination")
    LICENCE = "licence", _("Licence missing or expired")
    OTHER = "other", _("Other")


class ChecklistItem(models.Model):
    """One question of the inspection checklist (data, loaded by a migration; more can be added)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_zh = models.CharField(_("question (Chinese)"), max_length=200)
    text_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    finding_kind = models.CharField(
        _("finding when not met"), max_length=24, choices=FindingKind.choices, default=FindingKind.OTHER
    )
    correction_days = models.PositiveSmallIntegerField(_("days to correct"), default=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        lang = get_language() or "zh-hans"
        if lang.startswith("en") and self.text_en:
            return self.text_en
        return self.text_zh


class InspectionKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNANNOUNCED = "unannounced", _("Unannounced")
    REINSPECTION = "reinspection", _("Re-inspection")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Inspection(models.Model):
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InspectionKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    # Which slot of the yearly plan this visit fills ("2026-2/4"); empty for unannounced visits.
    plan_slot = models.CharField(_("plan slot"), max_length=16, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    # For a re-inspection: the finding whose correction it checks.
    follows_finding = models.ForeignKey(
        "Finding",
        verbose_name=_("re-inspects finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspections",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_for", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "plan_slot"], condition=~Q(plan_slot=""), name="inspection_one_per_plan_slot"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="inspection_done_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "done_on"], name="inspection_status_done")]

    def __str__(self) -> str:
        return f"{self.facility} {self.get_kind_display()} {self.done_on or self.planned_for or ''}"


class ChecklistAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NA = "na", _("Not applicable")


class ChecklistResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=3, choices=ChecklistAnswer.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        ordering = ["item__order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="checklist_one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"


class Finding(models.Model):
    """Something wrong found at an inspection, with a deadline to correct it and a re-inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(_("kind"), max_length=24, choices=FindingKind.choices)
    description = models.TextField(_("description"), blank=True)
    correction_due = models.DateField(_("correct by"))
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = pgettext_lazy("inspection finding", "findings")
        ordering = ["correction_due", "id"]
        indexes = [models.Index(fields=["corrected_on", "correction_due"], name="finding_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.inspection.facility})"


# --- Tip-offs and cases ---------------------------------------------------------------------------------


class TipOffAbout(models.TextChoices):
    """What a tip-off may be about. There is deliberately no value for a pregnant woman: such reports are
    refused at the door and never stored."""

    SEX_SELECTION = (
        "sex_selection",
        _("A provider, clinic or person offering fetal sex determination or sex-selective abortion"),
    )
    UNREGISTERED_DEVICE = "unregistered_device", _("An unregistered ultrasound device")
    OTHER_MISCONDUCT = "other_misconduct", _("Other misconduct by a provider")


class TipOffChannel(models.TextChoices):
    WEB = "web", _("Public web page")
    HOTLINE = "hotline", _("Reporting hotline")
    LETTER = "letter", _("Letter or visit")
    MEDIA = "media", _("Media")
    REFERRAL = "referral", _("Referred by a neighbouring district")


class TipOffStatus(models.TextChoices):
    """What the reporter sees at the status page (nothing else about the tip-off is public)."""

    RECEIVED = "received", _("Received, waiting to be reviewed")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Handled and closed")
    NOT_ACTIONABLE = "not_actionable", _("Reviewed; no action possible")


class TipOff(models.Model):
    # Only a digest of the tracking code is kept: the code itself is shown once, to the reporter.
    tracking_digest = models.CharField(max_length=64, unique=True, editable=False)
    about = models.CharField(_("about"), max_length=24, choices=TipOffAbout.choices)
    provider = models.CharField(_("provider or practice"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    place = models.CharField(_("where"), max_length=300)
    occurred = models.CharField(_("when"), max_length=100, blank=True)
    # Confidential: visible only to the owner of the case it belongs to and to district admins, and each
    # view is written to the audit trail.
    contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=TipOffChannel.choices, default=TipOffChannel.WEB)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("town or district concerned"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=TipOffStatus.choices, default=TipOffStatus.RECEIVED)
    case = models.ForeignKey(
        "Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="tipoffs"
    )
    attachment = models.FileField(_("attachment"), upload_to="oversight/tipoffs/%Y/%m/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(_("received"))
    status_changed_at = models.DateTimeField(_("status changed"))

    class Meta:
        verbose_name = _("tip-off")
        verbose_name_plural = _("tip-offs")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="tipoff_status_received")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_about_display()}"

    @property
    def is_anonymous(self) -> bool:
        return not self.contact


class SubmissionLog(models.Model):
    """Accepted public submissions per client (an HMAC of the IP, never the IP), for the rate limit, and the
    challenges already used. Deliberately not linked to the tip-off: an anonymous report stays anonymous."""

    client_digest = models.CharField(max_length=64, db_index=True)
    challenge_nonce = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("public submission")
        verbose_name_plural = _("public submissions")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    REFERRED_OUT = "referred_out", _("Referred to another district")


class CaseOutcome(models.TextChoices):
    NONE = "", _("Not decided")
    SUBSTANTIATED = "substantiated", _("Substantiated, penalised")
    WARNED = "warned", _("Substantiated, warning given")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    REFERRED = "referred", _("Referred elsewhere")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("town or district"), on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    deadline = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(
        pgettext_lazy("case", "outcome"), max_length=20, choices=CaseOutcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    # Cases referred between districts: where it came from / went to and the sender's number.
    received_from = models.CharField(_("received from"), max_length=100, blank=True)
    external_ref = models.CharField(_("sender's reference"), max_length=80, blank=True)
    referred_to = models.CharField(pgettext_lazy("case", "referred to"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["external_ref"], condition=~Q(external_ref=""), name="case_imported_once"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opened_on")), name="case_deadline_after_open"),
        ]
        indexes = [models.Index(fields=["status", "opened_on"], name="case_status_opened")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class StepKind(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    EVIDENCE = "evidence", _("Evidence")
    DECISION = "decision", _("Decision")
    PENALTY = "penalty", _("Penalty")
    DISCIPLINE = "discipline", _("Discipline")
    REFERRAL = "referral", _("Referral between districts")
    NOTE = "note", _("Note")


class CaseStep(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("step"), max_length=14, choices=StepKind.choices)
    summary = models.TextField(_("what was done or is to be done"))
    due = models.DateField(pgettext_lazy("case step", "due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Penalty steps: which provision of the rule, and the fine.
    rule = models.CharField(_("provision"), max_length=32, blank=True)
    fine_yuan = models.DecimalField(_("fine (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Who did it, kept as text so history imported from another district keeps its authors.
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(pgettext_lazy("time recorded", "recorded"))

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(fine_yuan__isnull=True) | Q(fine_yuan__gte=0), name="step_fine_positive")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"
