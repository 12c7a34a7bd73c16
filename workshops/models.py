"""Workshop sessions of a programme, invitations, attendance, feedback and learning needs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practices.access import can_run_programme, programme_scoped
from practices.models import Practice, Programme, Role
from qiproject.privacy import NO_PID_SHORT

NO_PATIENT_DATA = NO_PID_SHORT
RATING = [MinValueValidator(1), MaxValueValidator(5)]


class WorkshopSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions of programmes the user can see (members, facilitators, leads) or facilitates."""
        return programme_scoped(self, user, also=Q(facilitators=user))

    def managed_by(self, user):
        """Sessions the user may create, edit and upload to: those of programmes they run."""
        return programme_scoped(self, user, mode="run")

    def register_takers(self, user):
        """Sessions whose attendance the user may record: the lead's, and the facilitators'."""
        return programme_scoped(self, user, mode="run", also=Q(facilitators=user))


class WorkshopSession(models.Model):
    """One workshop in a programme's series."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="workshop_sessions"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(max_length=300, blank=True, help_text="Address or room.")
    online_url = models.URLField("online link", max_length=500, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_sessions", blank=True
    )
    agenda = models.TextField(blank=True, help_text=f"One item a line. {NO_PATIENT_DATA}")
    learning_objectives = models.TextField(
        blank=True, help_text=f"One objective a line. {NO_PATIENT_DATA}"
    )
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", related_name="workshop_sessions", blank=True
    )
    # The learning needs the session addresses: its before/after results are read by topic.
    agenda_topics = models.ManyToManyField(
        "LearningTopic",
        related_name="sessions",
        blank=True,
        verbose_name="learning needs it addresses",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped when the time or place changes, so calendar apps replace the old entry.
    sequence = models.PositiveIntegerField(default=0)
    # Optimistic lock (qiproject.locking): a stale edit form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.UniqueConstraint(fields=["programme", "title"], name="session_title_unique"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The session must end after it starts."})
        if not self.venue and not self.online_url:
            raise ValidationError({"venue": "Give a venue or an online link."})

    @property
    def has_happened(self) -> bool:
        return self.starts_at <= timezone.now()

    def can_be_run_by(self, user) -> bool:
        """Whether the user runs this session's programme."""
        return can_run_programme(user, self.programme)


class Material(models.Model):
    """A file handed out at a session, stored outside the web root."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    # A generated name: the uploader's file name is never used on disk.
    file = models.FileField(upload_to="workshops/materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "title"]

    def __str__(self):
        return self.title


class Response(models.TextChoices):
    PENDING = "pending", "Not answered"
    YES = "yes", "Yes, I will come"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No, I cannot come"


# How an answer reads in the third person (the register, lists of invitees): the labels above
# are what the invitee says ("Yes, I will come"), which reads wrongly about someone else.
ANSWER_SUMMARIES = {
    Response.PENDING: "not answered yet",
    Response.YES: "said they will come",
    Response.MAYBE: "said maybe",
    Response.NO: "said they cannot come",
}


class Invitation(models.Model):
    """A team member or patient representative invited to a session, and their answer."""

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_invitations"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "practice__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="invitation_once_per_session"),
        ]

    def __str__(self):
        return f"{self.user} to {self.session}"

    @property
    def answer_summary(self) -> str:
        """The invitee's answer as others read it, e.g. "said they will come"."""
        return ANSWER_SUMMARIES.get(self.response, self.get_response_display().lower())


class Attendance(models.Model):
    """Someone who took part in a session, recorded by a facilitator or the lead."""

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_attendances"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    # The role at the time, so later team changes do not rewrite who took part.
    role = models.CharField(max_length=20, choices=Role.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "practice__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session"),
        ]

    def __str__(self):
        return f"{self.user} at {self.session}"


class Feedback(models.Model):
    """One attendee's view of a session."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    usefulness = models.PositiveSmallIntegerField(
        validators=RATING, help_text="1 = not useful, 5 = very useful."
    )
    confidence = models.PositiveSmallIntegerField(
        validators=RATING,
        help_text="How confident you now feel applying what was covered: 1 = not, 5 = very.",
    )
    comments = models.TextField(blank=True, help_text=NO_PATIENT_DATA)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="feedback_once_per_session"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5)
                & Q(confidence__gte=1, confidence__lte=5),
                name="feedback_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.session}"


class LearningTopic(models.Model):
    """A topic the lead asks the teams to rate their confidence on."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="learning_topics"
    )
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="learning_topic_unique"),
        ]

    def __str__(self):
        return self.name


class Round(models.TextChoices):
    BEFORE = "before", "Before the workshops"
    AFTER = "after", "After the workshops"


class LearningNeed(models.Model):
    """One person's confidence on one topic in one round."""

    topic = models.ForeignKey(LearningTopic, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    round = models.CharField(max_length=10, choices=Round.choices)
    confidence = models.PositiveSmallIntegerField(validators=RATING)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "user", "round"], name="learning_need_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=5),
                name="learning_need_confidence_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.topic} ({self.round})"
