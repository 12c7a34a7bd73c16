"""Programmes, practices, people and their roles.

The product holds no patient-identifiable data: people here are staff, facilitators,
programme leads and patient representatives acting as members of a practice team.
"""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from practices.access import (
    AgreedActionQuerySet,
    PracticeQuerySet,
    ProgrammeQuerySet,
)
from practices.access import (
    VisitQuerySet as VisitAccessQuerySet,
)
from qiproject.dates import format_date
from qiproject.privacy import NO_PID_DETAILS

# A programme's stale-cycle threshold unless it sets its own (pdsa.models.stale_cutoff).
DEFAULT_STALE_CYCLE_DAYS = 14

ods_code_validator = RegexValidator(
    regex=r"^[A-Z][0-9]{5}$",
    message="Enter an ODS code as one capital letter followed by five digits, e.g. J81001.",
)

# What a programme can mean: the largest practice in England has under 150,000 patients, and a
# cycle left a year without an update is stale under any rule a programme would choose.
MAX_LIST_SIZE = 1_000_000
MAX_STALE_CYCLE_DAYS = 365


def add_one_year(day: date) -> date:
    """The same day a year later (28 Feb when the start is 29 Feb)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# An email address is at most 254 characters (RFC 5321 path limit, Django's EmailField).
EMAIL_MAX_LENGTH = 254


def canonical_email(value: str) -> str:
    """The one form of an email address that is stored, signed in with and counted by the lockout.

    Sign-in finds the account whatever the case, so the lockout must count every casing of an
    address as the same address; lower case throughout keeps the three in step.
    """
    return (value or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=canonical_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email=canonical_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True, max_length=EMAIL_MAX_LENGTH)
    full_name = models.CharField(max_length=150)
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the admin site and curate the evidence library."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = canonical_email(self.email)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Programme(models.Model):
    """A quality-improvement programme on one clinical topic, run by its leads."""

    name = models.CharField(max_length=200, unique=True)
    clinical_topic = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    final_workshop_date = models.DateField()
    follow_up_due_date = models.DateField(
        blank=True, help_text="Leave blank for one year after the final workshop."
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="led_programmes", blank=True
    )
    stale_cycle_days = models.PositiveSmallIntegerField(
        "days before a cycle is stale",
        default=DEFAULT_STALE_CYCLE_DAYS,
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_STALE_CYCLE_DAYS, "A cycle is stale after at most 365 days (one year)."
            ),
        ],
        help_text="An open PDSA cycle with no update for more than this many days is stale.",
    )
    dashboard_token = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Replaced whenever something the dashboards show for the whole programme "
        "changes (its workshops, its stale-cycle threshold); see practices.freshness.",
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(final_workshop_date__gte=models.F("start_date")),
                name="programme_final_workshop_after_start",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_due_date__gt=models.F("final_workshop_date")),
                name="programme_follow_up_after_final_workshop",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.final_workshop_date:
            if self.final_workshop_date < self.start_date:
                raise ValidationError(
                    {"final_workshop_date": "The final workshop cannot be before the start."}
                )
            if not self.follow_up_due_date:
                self.follow_up_due_date = add_one_year(self.final_workshop_date)
            if self.follow_up_due_date <= self.final_workshop_date:
                raise ValidationError(
                    {"follow_up_due_date": "The follow-up must come after the final workshop."}
                )


class Practice(models.Model):
    """A GP practice enrolled in a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="practices")
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[ods_code_validator]
    )
    address = models.TextField(blank=True)
    list_size = models.PositiveIntegerField(
        "registered list size",
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_LIST_SIZE,
                "No practice has more than 1,000,000 registered patients: check the list size.",
            ),
        ],
    )
    dashboard_token = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Replaced whenever something a dashboard row shows about this practice "
        "changes; cached rows are keyed on it (see practices.freshness).",
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ods_code__regex=r"^[A-Z][0-9]{5}$"), name="practice_ods_code_format"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def current_facilitator(self):
        """The facilitator assigned now, or None (uses prefetched assignments when present)."""
        for assignment in self.facilitator_assignments.all():
            if assignment.ended_on is None:
                return assignment.facilitator
        return None


class Role(models.TextChoices):
    GP = "gp", "GP"
    NURSE = "nurse", "Practice nurse"
    MANAGER = "manager", "Practice manager"
    RECEPTION = "reception", "Receptionist or administrator"
    PHYSIO = "physio", "Physiotherapist"
    PHARMACIST = "pharmacist", "Pharmacist"
    OTHER_CLINICIAN = "other_clinician", "Other clinician"
    PATIENT_REP = "patient_rep", "Patient representative"


class Membership(models.Model):
    """A person's place in a practice team, with their role."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_practice_lead = models.BooleanField("practice lead", default=False)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["practice", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=~(Q(role=Role.PATIENT_REP) & Q(is_practice_lead=True)),
                name="membership_patient_rep_not_lead",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    def clean(self):
        if self.role == Role.PATIENT_REP and self.is_practice_lead:
            raise ValidationError(
                {"is_practice_lead": "A patient representative cannot be the practice lead."}
            )

    @property
    def is_patient_rep(self) -> bool:
        return self.role == Role.PATIENT_REP


class FacilitatorAssignment(models.Model):
    """A facilitator supporting a practice for a period; ended rows are the history."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="facilitator_assignments"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitations"
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["practice", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(ended_on__isnull=True),
                name="one_current_facilitator_per_practice",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="facilitation_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.facilitator} for {self.practice}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end cannot be before the start."})


class Invitation(models.Model):
    """An emailed, single-use, expiring invitation to join a practice team."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_practice_lead = models.BooleanField("practice lead", default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    # Only a hash of the token is kept, so a leaked database cannot be used to accept.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.practice}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and not self.is_expired


NO_PATIENT_DATA = NO_PID_DETAILS
MINUTES_IN_A_DAY = 24 * 60


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", "On site"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    EMAIL = "email", "Email"


def visit_happened_q(today: date | None = None, prefix: str = "") -> Q:
    """The condition for a visit that took place, for filters and filtered aggregates.

    Dated today or earlier and recorded: a planned visit whose date has passed but that
    nobody completed has no duration, and is not counted as having happened either.
    """
    return Q(
        **{
            f"{prefix}visited_on__lte": today or timezone.localdate(),
            f"{prefix}duration_minutes__isnull": False,
        }
    )


class VisitQuerySet(VisitAccessQuerySet):
    def happened(self, today: date | None = None):
        """Visits that took place (see `visit_happened_q`), not those merely planned."""
        return self.filter(visit_happened_q(today))

    def planned(self, today: date | None = None):
        """Visits scheduled for a date after today (Europe/London)."""
        return self.filter(visited_on__gt=today or timezone.localdate())


PLANNED_VISIT_EMPTY_FIELDS = (
    "duration_minutes",
    "travel_minutes",
    "other_participants",
    "notes",
    "private_notes",
)
PLANNED_VISIT_REFUSES = (
    "Leave this empty for a planned visit (dated after today): "
    "fill it in once the visit has happened."
)

PLANNED_VISIT_HAS_NO_ACTIONS = (
    "Actions are agreed at a visit that has happened: remove them, or change the date "
    "to today or earlier."
)


class Visit(models.Model):
    """One support encounter between a facilitator and a practice (AHRQ module 15 log).

    The visit belongs to the practice, not to the facilitator: when the practice moves to
    another facilitator its log moves with it, and access follows the current assignment.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="visits")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits_recorded",
        help_text="Who supported the practice (and recorded the visit).",
    )
    visited_on = models.DateField("date")
    mode = models.CharField(max_length=10, choices=VisitMode.choices)
    # Empty while the visit is planned (dated after today); required once it has happened.
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_IN_A_DAY)],
        help_text="Leave empty for a planned visit; fill it in once the visit has happened.",
    )
    travel_minutes = models.PositiveSmallIntegerField(
        "travel time (minutes)",
        default=0,
        validators=[MaxValueValidator(MINUTES_IN_A_DAY)],
        help_text="Total travel for this visit, there and back.",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="visits_attended",
        blank=True,
        verbose_name="who took part from the practice",
    )
    other_participants = models.CharField(
        "others who took part",
        max_length=300,
        blank=True,
        help_text="Roles or organisations, e.g. 'ICB pharmacist'. " + NO_PATIENT_DATA,
    )
    topics = models.CharField(max_length=300, help_text=NO_PATIENT_DATA)
    notes = models.TextField(
        "notes shared with the practice", blank=True, help_text=NO_PATIENT_DATA
    )
    private_notes = models.TextField(
        blank=True,
        help_text=(
            "Only you, the practice's facilitator and the programme lead can read these; "
            "the practice cannot. " + NO_PATIENT_DATA
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Bumped on every edit, so an edit made from a stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["practice", "-visited_on"], name="visit_practice_date")]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=VisitMode.values), name="visit_mode_known"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MINUTES_IN_A_DAY),
                name="visit_duration_in_range",
            ),
            models.CheckConstraint(
                condition=Q(travel_minutes__lte=MINUTES_IN_A_DAY),
                name="visit_travel_in_range",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_mode_display()} visit to {self.practice} on {format_date(self.visited_on)}"
        )

    def clean(self):
        if self.is_planned:
            # Only what can be known beforehand: the record is completed once it has happened.
            errors = {
                name: PLANNED_VISIT_REFUSES
                for name in PLANNED_VISIT_EMPTY_FIELDS
                if getattr(self, name)
            }
            if errors:
                raise ValidationError(errors)
            return
        if self.visited_on and self.duration_minutes is None:
            raise ValidationError({"duration_minutes": "Enter how long the visit took."})
        if self.mode and self.mode != VisitMode.ON_SITE and self.travel_minutes:
            raise ValidationError({"travel_minutes": "Only on-site visits have travel time."})

    @property
    def is_planned(self) -> bool:
        """Dated after today (Europe/London): scheduled, not yet happened."""
        return bool(self.visited_on) and self.visited_on > timezone.localdate()

    @property
    def is_remote(self) -> bool:
        return self.mode != VisitMode.ON_SITE


class AgreedAction(models.Model):
    """Something agreed at a visit, owned by a member of the practice team, due by a date."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    # The visit's practice, repeated so that "open actions of these practices" is one index
    # scan over open actions only, not a join through every visit and action ever logged.
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="visit_actions", editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_actions",
        help_text="A member of the practice team.",
    )
    description = models.CharField(max_length=300, help_text=NO_PATIENT_DATA)
    due_on = models.DateField("due")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AgreedActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["practice", "due_on"],
                condition=Q(done_at__isnull=True),
                name="action_open_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="action_done_has_who_and_when",
            ),
        ]

    def __str__(self):
        return self.description

    def clean(self):
        if self.visit_id and self.practice_id is None:
            self.practice_id = self.visit.practice_id
        if self.visit_id and self.practice_id != self.visit.practice_id:
            raise ValidationError("An action belongs to the practice of its visit.")
        if self.visit_id and self.visit.is_planned:
            raise ValidationError(PLANNED_VISIT_HAS_NO_ACTIONS)
        if self.visit_id and self.owner_id:
            owner_in_team = (
                Membership.objects.filter(practice_id=self.visit.practice_id, user_id=self.owner_id)
                .exclude(role=Role.PATIENT_REP)
                .exists()
            )
            if not owner_in_team:
                raise ValidationError({"owner": "The owner must be in the practice team."})

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        """Open and past its due date (today in Europe/London unless given)."""
        return not self.is_done and self.due_on < (today or timezone.localdate())
