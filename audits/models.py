"""Clinical audit: templates of criteria and standards, rounds of cases in a practice.

A concern of its own (not pdsa): an audit compares a practice's care, case by case, with
explicit standards, and its rounds feed measures and PDSA cycles without belonging to a plan.

Templates are data: another clinical area adds its template in the browser, without code.
A template is versioned: each edit of its criteria makes a new version, and a round keeps the
version it was collected with, so editing a template never rewrites an audit already done.
Criteria keep a stable `key` across versions, which re-audits, measure links and the funnel
plot follow. Cases are numbered 1..n and carry no patient identifier.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from practices.access import practice_scoped
from qiproject.dates import format_month

MAX_SAMPLE = 500


class TemplateKind(models.TextChoices):
    CRITERIA = "criteria", "Criteria answered case by case"
    START_BACK = "start_back", "Criteria with STarT Back scores and the care given"


class AuditTemplate(models.Model):
    """A named set of audit criteria for one clinical area (its criteria live in versions)."""

    name = models.CharField(max_length=200, unique=True)
    clinical_area = models.CharField(max_length=100, default="Low back pain")
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=TemplateKind.choices, default="criteria")
    # The number of the latest version; also the optimistic lock of the template's editor.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["clinical_area", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:template_detail", args=[self.pk])

    @property
    def records_start_back(self) -> bool:
        return self.kind == TemplateKind.START_BACK


class TemplateVersion(models.Model):
    """The criteria of a template as they stood from one edit to the next."""

    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField("what changed", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="one_template_version"),
        ]

    def __str__(self):
        return f"{self.template} (version {self.number})"


class Judgement(models.TextChoices):
    ANSWERED = "answered", "Answered for each case"
    MATCHED_CARE = "matched_care", "Judged from the STarT Back stratum and the care given"


class Criterion(models.Model):
    """One audit criterion: the question asked of each case and the standard expected."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(
        max_length=50, help_text="Stays the same across versions: re-audits compare by it."
    )
    position = models.PositiveSmallIntegerField(default=0)
    short_name = models.CharField(max_length=80)
    question = models.CharField(max_length=300, help_text="Asked of each case.")
    eligibility = models.CharField("who is eligible", max_length=300)
    allows_not_applicable = models.BooleanField(
        "“not applicable” allowed",
        default=True,
        help_text="Cases answered “not applicable” are left out of the eligible cases.",
    )
    standard = models.PositiveSmallIntegerField(
        "standard (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    source = models.CharField(max_length=200, blank=True, help_text="e.g. QS155 statement 3")
    judged = models.CharField(max_length=14, choices=Judgement.choices, default="answered")

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="one_criterion_key_per_version"
            ),
            models.CheckConstraint(condition=Q(standard__lte=100), name="standard_is_a_percentage"),
        ]

    def __str__(self):
        return self.short_name

    @property
    def is_answered(self) -> bool:
        return self.judged == Judgement.ANSWERED


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rounds of the practices the user may see."""
        return practice_scoped(self, user, via="practice", mode="visible")

    def editable_by(self, user):
        """Rounds the user may enter cases into: their practice's editors and facilitators."""
        return practice_scoped(self, user, via="practice", mode="editable")


class AuditRound(models.Model):
    """One practice's audit of a sample of cases against one template version."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="audit_rounds"
    )
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="rounds"
    )
    period_start = models.DateField("period from")
    period_end = models.DateField("period to")
    sample_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SAMPLE)]
    )
    collected_by = models.CharField(
        "who collects", max_length=200, blank=True, help_text="Names or roles of the team."
    )
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default="draft")
    cycles = models.ManyToManyField(
        "pdsa.PDSACycle",
        blank=True,
        related_name="audit_rounds",
        verbose_name="PDSA cycles this round studies",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="audit_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1) & Q(sample_size__lte=MAX_SAMPLE),
                name="audit_sample_size_bounded",
            ),
        ]

    def __str__(self):
        return (
            f"{self.template_version.template} at {self.practice}, {format_month(self.period_end)}"
        )

    def get_absolute_url(self):
        return reverse("audits:round_detail", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})

    @property
    def is_complete(self) -> bool:
        return self.status == RoundStatus.COMPLETE


class Care(models.TextChoices):
    ADVICE = "advice", "Advice and information only"
    PHYSIO = "physio", "Physiotherapy"
    PIPT = "pipt", "Psychologically informed physiotherapy"
    OTHER = "other", "Other or none recorded"


# What the STarT Back matched-care model offers each stratum (Hill et al., Lancet 2011).
MATCHED_CARE = {"low": Care.ADVICE, "medium": Care.PHYSIO, "high": Care.PIPT}


class AuditCase(models.Model):
    """One case of a round, numbered 1..n: never a patient identifier."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="cases")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    start_back = models.JSONField(
        "STarT Back answers", null=True, blank=True, help_text="Items 1-9 in Keele's order."
    )
    start_back_total = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    start_back_psychosocial = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )
    stratum = models.CharField(max_length=6, blank=True, editable=False)
    care = models.CharField("care given", max_length=6, choices=Care.choices, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Who last created or changed the case, at updated_at (set by audits.services): a person's
    # QI activity counts the cases they entered. Cases entered before it was kept have none.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="audit_cases_entered",
    )

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_case_per_number"),
        ]

    def __str__(self):
        return f"Case {self.number}"


class Answer(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "na", "Not applicable"


class CaseAnswer(models.Model):
    """A case's answer to one criterion (computed for criteria judged from recorded care)."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=7, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "criterion"], name="one_answer_per_criterion"),
        ]

    def __str__(self):
        return f"{self.case}: {self.get_answer_display()}"


class MeasureLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Links of measures in the practices the user may see."""
        return practice_scoped(self, user, via="measure__plan__practice", mode="visible")


class MeasureLink(models.Model):
    """A plan's proportion measure fed by a template's criterion: rounds write its points."""

    measure = models.OneToOneField(
        "pdsa.Measure", on_delete=models.CASCADE, related_name="audit_link"
    )
    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="links")
    criterion_key = models.SlugField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeasureLinkQuerySet.as_manager()

    def __str__(self):
        return f"{self.measure} from {self.template} ({self.criterion_key})"


class AuditPoint(models.Model):
    """A measure's data point written by a completed round (the mark of its audit origin)."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="points")
    data_point = models.OneToOneField(
        "pdsa.DataPoint", on_delete=models.CASCADE, related_name="audit_source"
    )
    criterion_key = models.SlugField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "data_point"], name="one_audit_point"),
        ]

    def __str__(self):
        return f"{self.data_point} from {self.round}"
