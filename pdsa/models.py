"""Improvement work: plans, driver diagrams, measures and their data, PDSA cycles.

Everything here belongs to one practice through its plan; querysets scope themselves with
`practices.access.practice_scoped`, so views load rows with `Model.objects.visible_to(user)`.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pdsa.charts import ASSURANCE_LABELS, VARIATION_LABELS
from practices.access import curated_scoped, practice_scoped, signed_in_only
from practices.models import DEFAULT_STALE_CYCLE_DAYS, Practice, Programme
from qiproject.dates import MONTHLY, WEEKLY, format_month, period_start
from qiproject.privacy import NO_PID

# What a practice's measures can mean: no practice counts more than a million of anything in one
# period (the largest list in England is under 150,000 patients), and no measured value or target
# needs more than nine digits. Larger numbers are typing slips (or `1e20`), refused with a message.
MAX_COUNT = 1_000_000
MAX_VALUE = 1_000_000_000
COUNT_LIMIT = MaxValueValidator(
    MAX_COUNT, "A count above 1,000,000 in one period cannot be right: check the number."
)
VALUE_LIMITS = [
    MinValueValidator(-MAX_VALUE, "A value below -1,000,000,000 cannot be right: check it."),
    MaxValueValidator(MAX_VALUE, "A value above 1,000,000,000 cannot be right: check it."),
]


def _scoped_queryset(via: str):
    """A QuerySet class whose visible_to/editable_by/commentable_by follow the practice."""

    class ScopedQuerySet(models.QuerySet):
        def visible_to(self, user):
            """Rows whose practice the user may see."""
            return practice_scoped(self, user, via=via, mode="visible")

        def editable_by(self, user):
            """Rows whose practice's work the user may change."""
            return practice_scoped(self, user, via=via, mode="editable")

        def commentable_by(self, user):
            """Rows whose practice's work the user may comment on."""
            return practice_scoped(self, user, via=via, mode="commentable")

    return ScopedQuerySet


# A measure of concern: its latest point is special cause of concern, or it consistently
# fails its target (kept summary). The dashboards count them; Measure.is_of_concern is the twin.
MEASURE_OF_CONCERN = Q(latest_variation__startswith="concern") | Q(latest_assurance="fail")

PlanQuerySet = _scoped_queryset("practice")
PlanPartQuerySet = _scoped_queryset("plan__practice")
MeasurePartQuerySet = _scoped_queryset("measure__plan__practice")
CyclePartQuerySet = _scoped_queryset("cycle__plan__practice")


class PlanStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Testing changes"
    SUSTAINING = "sustaining", "Sustaining"
    CLOSED = "closed", "Closed"


PROGRESS_SCORES = [
    (0.5, "0.5 Intent to participate"),
    (1.0, "1.0 Charter and team established"),
    (1.5, "1.5 Planning for the project has begun"),
    (2.0, "2.0 Activity, but no changes"),
    (2.5, "2.5 Changes tested, but no improvement"),
    (3.0, "3.0 Modest improvement"),
    (3.5, "3.5 Improvement"),
    (4.0, "4.0 Significant improvement"),
    (4.5, "4.5 Sustainable improvement"),
    (5.0, "5.0 Outstanding sustainable results"),
]


class ImprovementPlan(models.Model):
    """A practice's improvement project, headed by the Model for Improvement's questions."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="improvement_plans"
    )
    title = models.CharField(max_length=200, help_text=NO_PID)
    problem = models.TextField("the problem", blank=True, help_text=NO_PID)
    aim_what = models.TextField(
        "what are we trying to accomplish?",
        help_text="The aim: what will improve. " + NO_PID,
    )
    aim_for_whom = models.CharField("for whom", max_length=200, blank=True, help_text=NO_PID)
    aim_how_much = models.CharField(
        "how much", max_length=200, blank=True, help_text="For example: from 20% to 60%. " + NO_PID
    )
    aim_by_when = models.DateField("by when", null=True, blank=True)
    how_we_will_know = models.TextField(
        "how will we know that a change is an improvement?", blank=True, help_text=NO_PID
    )
    changes_to_try = models.TextField(
        "what changes can we make that will result in improvement?", blank=True, help_text=NO_PID
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="improvement_plans", blank=True
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default="planning")
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    progress_score = models.DecimalField(
        "progress score set by the team",
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        choices=[(Decimal(str(v)), label) for v, label in PROGRESS_SCORES],
    )
    progress_score_set_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["practice", "-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(progress_score__isnull=True)
                | (Q(progress_score__gte=0.5) & Q(progress_score__lte=5)),
                name="plan_progress_score_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pdsa:plan_detail", args=[self.pk])

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end cannot be before the start."})


class DriverLevel(models.TextChoices):
    PRIMARY = "primary", "Primary driver"
    SECONDARY = "secondary", "Secondary driver"


class Driver(models.Model):
    """A primary driver of the aim, or a secondary driver under a primary one."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The primary driver this secondary driver serves.",
    )
    level = models.CharField(max_length=10, choices=DriverLevel.choices)
    text = models.CharField(max_length=300, help_text=NO_PID)
    position = models.PositiveSmallIntegerField(default=0)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="primary") & Q(parent__isnull=True))
                | (Q(level="secondary") & Q(parent__isnull=False)),
                name="driver_secondary_has_parent",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.level == DriverLevel.SECONDARY:
            if self.parent is None:
                raise ValidationError({"parent": "A secondary driver needs a primary driver."})
            if self.parent.level != DriverLevel.PRIMARY or self.parent.plan_id != self.plan_id:
                raise ValidationError(
                    {"parent": "Choose a primary driver of the same improvement plan."}
                )
        elif self.parent_id is not None:
            raise ValidationError({"parent": "A primary driver sits directly under the aim."})


class ChangeIdea(models.Model):
    """A change the team could test, under the driver it acts on; cycles test it."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="change_ideas")
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="change_ideas")
    title = models.CharField(max_length=200, help_text=NO_PID)
    description = models.TextField(blank=True, help_text=NO_PID)
    position = models.PositiveSmallIntegerField(default=0)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", related_name="change_ideas", blank=True
    )
    # Provenance of an idea copied from the ideas exchange: the share (kept when the idea's
    # owner withdraws it) and a label that survives even if the original is deleted.
    copied_from = models.ForeignKey(
        "SharedIdea", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    origin = models.CharField(max_length=300, blank=True, editable=False)
    # Optimistic lock (qiproject.locking): a stale edit form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.driver_id and self.plan_id and self.driver.plan_id != self.plan_id:
            raise ValidationError({"driver": "Choose a driver of the same improvement plan."})


class MeasureKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class DataType(models.TextChoices):
    PROPORTION = "proportion", "Proportion (numerator and denominator)"
    COUNT = "count", "Count"
    CONTINUOUS = "continuous", "Continuous value"


class Frequency(models.TextChoices):
    # The values qiproject.dates computes periods with.
    MONTHLY = MONTHLY, "Monthly"
    WEEKLY = WEEKLY, "Weekly"


class Improvement(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither (watch only)"


class MeasureDefinition(models.Model):
    """The fields a measure and a library measure share."""

    name = models.CharField(max_length=200, help_text=NO_PID)
    kind = models.CharField(max_length=10, choices=MeasureKind.choices)
    definition = models.TextField(
        "operational definition", help_text="Exactly what is counted and how. " + NO_PID
    )
    data_type = models.CharField(max_length=12, choices=DataType.choices)
    numerator = models.CharField(
        "numerator definition", max_length=300, blank=True, help_text=NO_PID
    )
    denominator = models.CharField(
        "denominator definition", max_length=300, blank=True, help_text=NO_PID
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default="monthly")
    improvement = models.CharField(
        "improvement direction", max_length=8, choices=Improvement.choices
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def clean(self):
        if self.data_type == DataType.PROPORTION and not (self.numerator and self.denominator):
            raise ValidationError(
                {"denominator": "A proportion needs numerator and denominator definitions."}
            )

    @property
    def is_proportion(self) -> bool:
        return self.data_type == DataType.PROPORTION


class LibraryMeasureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in user may browse the measure library."""
        return signed_in_only(self, user)

    def editable_by(self, user):
        """Curators (programme leads and staff) edit the library."""
        return curated_scoped(self, user)


class LibraryMeasure(MeasureDefinition):
    """A curated measure a practice can adopt into its plan in one click."""

    clinical_topic = models.CharField(max_length=100, default="Low back pain")
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the measure comes from (guideline, standard)."
    )
    suggested_target = models.FloatField(
        null=True,
        blank=True,
        validators=VALUE_LIMITS,
        help_text="In the measure's units; percent for proportions.",
    )
    is_active = models.BooleanField(default=True)
    # Optimistic lock (qiproject.locking): a stale edit form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LibraryMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["clinical_topic", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinical_topic", "name"], name="library_measure_unique_name"
            ),
        ]


class Measure(MeasureDefinition):
    """One of a plan's measures, with its data points."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="measures")
    library_measure = models.ForeignKey(
        LibraryMeasure, on_delete=models.SET_NULL, null=True, blank=True, related_name="adoptions"
    )
    target = models.FloatField(
        null=True,
        blank=True,
        validators=VALUE_LIMITS,
        help_text="Optional. In the measure's units; percent for proportions.",
    )
    baseline_end = models.DateField(
        "baseline ends with period",
        null=True,
        blank=True,
        help_text="Optional. Limits are computed from the periods up to this one and then held.",
    )
    rebased_from = models.DateField(
        "limits recalculated from period",
        null=True,
        blank=True,
        help_text="A period where the process changed (for example an adopted change).",
    )
    rebase_reason = models.CharField(max_length=300, blank=True, help_text=NO_PID)
    # The chart's summary, kept by services.measure_summary_refresh whenever the data or the
    # settings change, so dashboards of hundreds of measures need not load and analyse them.
    latest_variation = models.CharField(max_length=20, blank=True, editable=False)
    latest_assurance = models.CharField(max_length=12, blank=True, editable=False)
    latest_period = models.DateField(null=True, blank=True, editable=False)
    latest_value = models.FloatField(null=True, blank=True, editable=False)
    point_count = models.PositiveIntegerField(default=0, editable=False)
    shows_improvement = models.BooleanField(default=False, editable=False)
    improvement_sustained = models.BooleanField(default=False, editable=False)
    # Optimistic lock (qiproject.locking): a stale edit or rebase form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="measure_unique_name_per_plan"),
        ]
        indexes = [
            # The dashboards count each practice's measures of concern.
            models.Index(
                fields=["plan"],
                condition=MEASURE_OF_CONCERN,
                name="measure_of_concern_by_plan",
            ),
        ]

    def get_absolute_url(self):
        return reverse("pdsa:measure_chart", args=[self.pk])

    def clean(self):
        super().clean()
        if self.rebased_from and not self.rebase_reason:
            raise ValidationError({"rebase_reason": "Say what changed at this period."})

    def normalise_period(self, day: date) -> date:
        """The first day of the period holding `day` (1st of month, or Monday)."""
        return period_start(day, self.frequency)

    @property
    def variation(self) -> str | None:
        """The latest point's variation (kept summary), for the icon tags."""
        return self.latest_variation or None

    @property
    def assurance(self) -> str | None:
        """Assurance against the target (kept summary), for the icon tags."""
        return self.latest_assurance or None

    @property
    def is_of_concern(self) -> bool:
        """The Python twin of MEASURE_OF_CONCERN (kept summary)."""
        return self.latest_variation.startswith("concern") or self.latest_assurance == "fail"

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS.get(self.latest_variation, "Not enough data for SPC")

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS.get(self.latest_assurance, "")

    @property
    def target_met(self) -> bool:
        """Whether the latest value is on the good side of the target (kept summary)."""
        target = self.target_as_fraction()
        if target is None or self.latest_value is None:
            return False
        if self.improvement == Improvement.INCREASE:
            return self.latest_value >= target
        return self.latest_value <= target

    def target_as_fraction(self):
        """The target on the chart's scale (proportions are charted as fractions)."""
        if self.target is None:
            return None
        return self.target / 100 if self.is_proportion else self.target


class DataPoint(models.Model):
    """The value of a measure for one period."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    period = models.DateField(help_text="Any day in the period: months start on the 1st.")
    numerator = models.PositiveIntegerField(null=True, blank=True, validators=[COUNT_LIMIT])
    denominator = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), COUNT_LIMIT]
    )
    value = models.FloatField(null=True, blank=True, validators=VALUE_LIMITS)
    note = models.CharField(max_length=300, blank=True, help_text=NO_PID)
    # Optimistic lock (qiproject.locking): a stale correction is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    # The measure's data history: every entry, correction and removal, with who made it and,
    # for writes through the API, which token (its change reason).
    history = HistoricalRecords(excluded_fields=["version"])
    objects = MeasurePartQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_value_per_period"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="numerator_not_above_denominator",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False)
                | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="data_point_has_a_value",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {format_month(self.period)}"

    def clean(self):
        if self.measure_id is None:
            return
        if self.period:
            self.period = self.measure.normalise_period(self.period)
        if self.measure.is_proportion:
            if self.numerator is None or self.denominator is None:
                raise ValidationError("A proportion needs a numerator and a denominator.")
            if self.numerator > self.denominator:
                raise ValidationError(
                    {"numerator": "The numerator cannot be more than the denominator."}
                )
            self.value = None
        else:
            if self.value is None:
                raise ValidationError({"value": "Enter a value."})
            if not math.isfinite(self.value) or abs(self.value) > MAX_VALUE:
                raise ValidationError({"value": VALUE_LIMITS[1].message})
            if self.measure.data_type == DataType.COUNT and self.value > MAX_COUNT:
                raise ValidationError({"value": COUNT_LIMIT.message})
            if self.measure.data_type == DataType.COUNT and (
                self.value < 0 or self.value != int(self.value)
            ):
                raise ValidationError({"value": "A count is a whole number, zero or more."})
            self.numerator = self.denominator = None

    @property
    def plotted(self) -> float:
        """The value charted: the proportion as a fraction, otherwise the value."""
        if self.denominator:
            return self.numerator / self.denominator
        return self.value


class Stage(models.TextChoices):
    PLAN = "plan", "Plan"
    DO = "do", "Do"
    STUDY = "study", "Study"
    ACT = "act", "Act"
    COMPLETE = "complete", "Complete"
    ABANDONED = "abandoned", "Abandoned"


STAGE_ORDER = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
# A cycle in one of these stages is still being worked on (it can go stale).
OPEN_STAGES = (Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT)


# The stale-cycle rule, the one every page, digest and reminder uses: an open cycle is stale
# once more than its programme's `stale_cycle_days` whole days (Europe/London calendar days,
# the days people count in) have passed since its last change. A cycle changed on 1 March with
# a 14-day threshold is fine all through 15 March and stale from midnight starting 16 March,
# whatever the hour of the change and across a clock change. Whole days, not a rolling number
# of hours, because the digest says "no update for 15 days" and the dashboard must agree.
def stale_cutoff(now: datetime, days: int) -> datetime:
    """Open cycles last changed before this moment are stale (at `now`, for `days`)."""
    first_fine_day = timezone.localdate(now) - timedelta(days=days)
    return timezone.make_aware(datetime.combine(first_fine_day, time.min))


def goes_stale_at(updated_at: datetime, days: int = DEFAULT_STALE_CYCLE_DAYS) -> datetime:
    """The moment a cycle last changed at `updated_at` becomes stale (a London midnight)."""
    first_stale_day = timezone.localdate(updated_at) + timedelta(days=days + 1)
    return timezone.make_aware(datetime.combine(first_stale_day, time.min))


def days_without_update(updated_at: datetime, now: datetime) -> int:
    """Whole London calendar days since a cycle's last change (what the digest reports)."""
    return (timezone.localdate(now) - timezone.localdate(updated_at)).days


class CycleQuerySet(PlanPartQuerySet):
    def open(self):
        """Cycles still being worked on (not complete, not abandoned)."""
        return self.filter(stage__in=OPEN_STAGES)

    def stale(self, now: datetime, *, thresholds=None):
        """Open cycles past their programme's stale threshold at `now` (see stale_cutoff).

        One query reads the programmes' distinct thresholds unless `thresholds` gives them;
        the condition is then plain comparisons on `updated_at`, which its index serves.
        """
        if thresholds is None:
            thresholds = Programme.objects.order_by().values_list("stale_cycle_days", flat=True)
        condition = Q(pk__in=[])
        for days in sorted(set(thresholds)):
            condition |= Q(
                plan__practice__programme__stale_cycle_days=days,
                updated_at__lt=stale_cutoff(now, days),
            )
        return self.open().filter(condition)


class ActDecision(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt"
    ABANDON = "abandon", "Abandon"


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act test of a change: the IHI worksheet, stage by stage."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="cycles")
    change_idea = models.ForeignKey(
        ChangeIdea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
        help_text="The change idea this cycle tests.",
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycle",
        help_text="The cycle whose Act led to this one (same ramp).",
    )
    number = models.PositiveSmallIntegerField(
        "cycle number in its ramp", default=1, validators=[MinValueValidator(1)]
    )
    title = models.CharField(max_length=200, help_text=NO_PID)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cycles",
        verbose_name="person responsible",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PLAN)
    # Plan
    objective = models.TextField("objective of this cycle", blank=True, help_text=NO_PID)
    data_collection = models.TextField(
        "data collection plan",
        blank=True,
        help_text="Which measures, who collects, who analyses, when. " + NO_PID,
    )
    measures = models.ManyToManyField(Measure, blank=True, related_name="cycles")
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", related_name="pdsa_cycles", blank=True
    )
    # Do
    what_happened = models.TextField("what actually happened", blank=True, help_text=NO_PID)
    observations = models.TextField(
        "observations, problems and surprises", blank=True, help_text=NO_PID
    )
    # Study
    learning = models.TextField("what we learned", blank=True, help_text=NO_PID)
    # Act
    decision = models.CharField(max_length=8, choices=ActDecision.choices, blank=True)
    next_changes = models.TextField("what the next cycle will change", blank=True, help_text=NO_PID)
    abandoned_reason = models.TextField(blank=True, help_text=NO_PID)
    abandoned_at_stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "created_at"])
    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-created_at"]
        verbose_name = "PDSA cycle"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="cycle_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(stage="abandoned") | ~Q(abandoned_reason=""),
                name="cycle_abandoned_has_reason",
            ),
        ]
        indexes = [
            # The dashboards count each practice's open cycles last updated before a cutoff.
            models.Index(
                fields=["plan", "updated_at"],
                condition=Q(stage__in=[str(stage) for stage in OPEN_STAGES]),
                name="cycle_open_by_plan_updated",
            ),
        ]

    def __str__(self):
        return f"{self.title} (cycle {self.number})"

    def get_absolute_url(self):
        return reverse("pdsa:cycle_detail", args=[self.pk])

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end cannot be before the start."})
        if self.change_idea_id and self.change_idea.plan_id != self.plan_id:
            raise ValidationError({"change_idea": "Choose a change idea of the same plan."})
        if self.stage == Stage.ABANDONED and not self.abandoned_reason.strip():
            raise ValidationError({"abandoned_reason": "Say why the cycle was abandoned."})

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def stage_index(self) -> int:
        stage = self.abandoned_at_stage if self.stage == Stage.ABANDONED else self.stage
        return STAGE_ORDER.index(stage)


class CycleQuestion(models.Model):
    """A question a cycle answers, with the team's prediction and, at Study, the result."""

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(max_length=300, help_text=NO_PID)
    prediction = models.CharField(max_length=300, help_text=NO_PID)
    result = models.TextField("result compared with the prediction", blank=True, help_text=NO_PID)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = CyclePartQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "position", "pk"]

    def __str__(self):
        return self.question


class CycleTask(models.Model):
    """A task to set the cycle up: what, who, when, where."""

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="tasks")
    what = models.CharField(max_length=300, help_text=NO_PID)
    who = models.CharField(max_length=150, help_text="A role or a team member. " + NO_PID)
    when = models.DateField(null=True, blank=True)
    where = models.CharField(max_length=150, blank=True, help_text=NO_PID)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = CyclePartQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "position", "pk"]

    def __str__(self):
        return self.what


class CycleComment(models.Model):
    """A comment on a cycle by the team, the facilitator or a patient representative."""

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cycle_comments"
    )
    body = models.TextField("comment", help_text=NO_PID)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CyclePartQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "created_at"]

    def __str__(self):
        return f"Comment by {self.author} on {self.cycle}"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    ADAPTED = "adapted", "Adapted"
    ABANDONED = "abandoned", "Abandoned"
    TESTING = "testing", "Still testing"


def display_ramp(ramp: list[dict]) -> list[dict]:
    """A ramp snapshot with its ISO dates read back as dates, for templates."""
    return [
        {
            **cycle,
            "start_date": date.fromisoformat(cycle["start_date"]) if cycle["start_date"] else None,
            "end_date": date.fromisoformat(cycle["end_date"]) if cycle["end_date"] else None,
        }
        for cycle in ramp
    ]


class SharedIdeaQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Current shares of the programmes in which the user may see at least one practice."""
        practices = Practice.objects.visible_to(user)
        return self.filter(
            withdrawn_at__isnull=True, practice__programme__in=practices.values("programme_id")
        )

    def commentable_by(self, user):
        """Current shares of the programmes where the user works in a practice (reps included)."""
        practices = Practice.objects.commentable_by(user)
        return self.filter(
            withdrawn_at__isnull=True, practice__programme__in=practices.values("programme_id")
        )

    def managed_by(self, user):
        """Shares (current or withdrawn) of the practices whose work the user may change."""
        return practice_scoped(self, user, via="practice", mode="editable")


class SharedIdea(models.Model):
    """A change idea a practice shares with its programme: a snapshot taken when shared.

    The snapshot holds only what the exchange shows (the idea, its drivers' wording, each
    cycle's number, dates, stage, objective, learning and Act decision), so later edits, the
    plan, measures, comments and people stay inside the practice.
    """

    change_idea = models.OneToOneField(ChangeIdea, on_delete=models.CASCADE, related_name="share")
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="shared_ideas"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    primary_driver = models.CharField(max_length=300, blank=True)
    secondary_driver = models.CharField(max_length=300, blank=True)
    summary = models.TextField(
        "what other practices should know",
        blank=True,
        help_text="What worked, what to watch for. " + NO_PID,
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ramp = models.JSONField(default=list, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", related_name="shared_ideas", blank=True
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = SharedIdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "pk"]
        indexes = [models.Index(fields=["practice", "withdrawn_at"], name="shared_idea_current")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pdsa:exchange_detail", args=[self.pk])

    def clean(self):
        ids = self.change_idea_id and self.practice_id
        if ids and self.change_idea.plan.practice_id != self.practice_id:
            raise ValidationError("A practice shares only its own change ideas.")

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None

    @property
    def ramp_cycles(self) -> list[dict]:
        return display_ramp(self.ramp)


class IdeaComment(models.Model):
    """A comment on a shared idea by someone from another practice of the programme."""

    shared_idea = models.ForeignKey(SharedIdea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="idea_comments"
    )
    body = models.TextField("comment", help_text=NO_PID)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shared_idea", "created_at"]

    def __str__(self):
        return f"Comment by {self.author} on {self.shared_idea}"
