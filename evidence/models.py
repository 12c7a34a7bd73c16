"""The evidence library: guidance, reviews, trials, myths and local pathways, curated.

Curators (programme leads and staff) write and publish items; practice users read the
published ones. Every change is kept in the item's history.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from practices.access import curated_scoped
from qiproject.privacy import NO_PID_SHORT

NO_PATIENT_DATA = NO_PID_SHORT


def search_vector() -> SearchVector:
    """The weighted full-text vector; the GIN index (PostgreSQL) is built on this expression."""
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", "myth", "myth_evidence", weight="B", config="english")
        + SearchVector("citation", weight="C", config="english")
    )


class Kind(models.TextChoices):
    GUIDELINE = "guideline", "Guideline"
    RECOMMENDATION = "recommendation", "Guideline recommendation"
    QUALITY_STATEMENT = "quality_statement", "Quality standard statement"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    TRIAL = "trial", "Trial"
    MYTH = "myth", "Myth and the evidence against it"
    PATIENT_INFORMATION = "patient_information", "Patient information"
    LOCAL_PATHWAY = "local_pathway", "Local pathway or referral criteria"
    TOOL = "tool", "Assessment tool"


class Strength(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    CONSENSUS = "consensus", "Guideline or expert consensus"
    NOT_GRADED = "not_graded", "Not graded"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class Topic(models.Model):
    """A clinical topic or sub-topic (assessment, imaging, medicines...) used to file items."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EvidenceItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Curators see every item; other signed-in users see published items only."""
        return curated_scoped(self, user, public=Q(status=Status.PUBLISHED))

    def curated_by(self, user):
        """Items the user may create, edit, publish and retire (all of them, for curators)."""
        return curated_scoped(self, user)

    def citable(self, linked=None):
        """What a form may cite: published items, plus any already cited (a retired one stays)."""
        already = Q(pk__in=linked.values("pk")) if linked is not None else Q(pk__in=[])
        return self.filter(Q(status=Status.PUBLISHED) | already).order_by("title")


class EvidenceItem(models.Model):
    """One piece of evidence, summarised in the library's own words with its source."""

    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=250)
    summary = models.TextField(
        help_text=f"Markdown. Write it in your own words and cite the source. {NO_PATIENT_DATA}"
    )
    myth = models.TextField(blank=True, help_text="For myths: the belief, as people put it.")
    myth_evidence = models.TextField(
        "what the evidence says", blank=True, help_text="For myths: what the evidence shows."
    )
    citation = models.CharField("source citation", max_length=500)
    url = models.URLField("link", max_length=500, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="For example 10.1136/bjsports-2019-101611."
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    strength = models.CharField(
        "strength of evidence", max_length=20, choices=Strength.choices, default="not_graded"
    )
    clinical_topic = models.CharField(max_length=100, default="Low back pain")
    topics = models.ManyToManyField(Topic, related_name="items", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    retired_reason = models.TextField(blank=True)
    next_review_on = models.DateField("next review date", null=True, blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="curated_evidence"
    )
    # Natural key for seeding and stable references (e.g. "ng59-1.1.4").
    key = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    # Bumped on every save through the services, so a stale edit form can be refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[topics])
    objects = EvidenceItemQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        # The full-text GIN index is created by migration 0002 on PostgreSQL only: declared
        # here it would break SQLite, which rebuilds a table with all its declared indexes.
        indexes = [models.Index(fields=["status", "kind"], name="evidence_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.RETIRED) | ~Q(retired_reason=""),
                name="evidence_retired_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.status == Status.RETIRED and not self.retired_reason.strip():
            raise ValidationError({"retired_reason": "Say why the item is retired."})
        if self.kind == Kind.MYTH and not (self.myth.strip() and self.myth_evidence.strip()):
            raise ValidationError(
                {"myth": "A myth needs both the belief and what the evidence says."}
            )
        if not self.url and not self.doi:
            raise ValidationError({"url": "Give a link or a DOI so readers can check the source."})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED

    @property
    def is_review_due(self) -> bool:
        """Whether the next review date has come (curators see a reminder)."""
        return bool(self.next_review_on and self.next_review_on <= timezone.localdate())

    @property
    def source_link(self) -> str:
        """The link to the source: the URL, or the DOI resolver."""
        if self.url:
            return self.url
        return f"https://doi.org/{self.doi}" if self.doi else ""
