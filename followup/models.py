"""The follow-up survey of a programme, who was asked, their personal links and answers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from followup.factors import FACTOR_KEYS, default_statements
from practices.access import practice_scoped, programme_scoped
from practices.models import Practice, Programme, Role
from qiproject.privacy import NO_PID_SURVEY

NO_PID = NO_PID_SURVEY


class InPlace(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class SurveyQuerySet(models.QuerySet):
    def run_by(self, user):
        """Surveys of the programmes the user runs (leads, staff)."""
        return programme_scoped(self, user, mode="run")


class Survey(models.Model):
    """A programme's one-year follow-up survey; its questions are editable until it goes out."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="followup_survey"
    )
    intro = models.TextField(
        default=(
            "A year ago your practice finished the programme. This short survey asks whether "
            "the changes you made are still in place and what helps them last. It takes about "
            "ten minutes. Your answers are reported by profession, never by name."
        )
    )
    change_question = models.CharField(max_length=250, default="Is this change still in place?")
    why_question = models.CharField(max_length=250, default="Why, or why not?")
    factor_intro = models.CharField(
        max_length=250,
        default="How far do you agree? 1 = strongly disagree, 5 = strongly agree.",
    )
    factor_statements = models.JSONField(default=default_statements)
    free_text_question = models.CharField(
        max_length=250, default="Anything else you would like to tell the programme team?"
    )
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invitations started to go out."
    )

    objects = SurveyQuerySet.as_manager()

    def __str__(self):
        return f"Follow-up survey of {self.programme}"

    def clean(self):
        if set(self.factor_statements or {}) != set(FACTOR_KEYS):
            raise ValidationError({"factor_statements": "Every one of the ten factors is needed."})
        if any(not str(text).strip() for text in self.factor_statements.values()):
            raise ValidationError({"factor_statements": "Every factor needs a statement."})

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


class RecipientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Recipients of practices the user may see (for response rates, never answers)."""
        return practice_scoped(self, user, via="practice")


class Recipient(models.Model):
    """A team member or patient representative asked to answer for their practice."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    profession = models.CharField(max_length=20, choices=Role.choices)
    invited_on = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["practice", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "practice", "user"], name="followup_recipient_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} for {self.practice}"


class Link(models.Model):
    """A personal survey link; only a hash of its random token is kept."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Link for {self.recipient}"

    def is_expired_at(self, now) -> bool:
        """The one expiry rule: a link stops working at the moment `expires_at` names."""
        return now >= self.expires_at

    @property
    def is_expired(self) -> bool:
        return self.is_expired_at(timezone.now())


class Response(models.Model):
    """One person's submitted answers (submitted once, then the links stop working)."""

    recipient = models.OneToOneField(Recipient, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)
    # [{"key", "title", "status": yes|partly|no, "why"}] for each adopted change asked about.
    changes = models.JSONField(default=list, blank=True)
    # {factor key: 1..5}
    factor_scores = models.JSONField(default=dict)
    free_text = models.TextField(blank=True, help_text=NO_PID)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Response from {self.recipient}"

    def clean(self):
        scores = self.factor_scores or {}
        if set(scores) != set(FACTOR_KEYS) or any(
            not isinstance(score, int) or not 1 <= score <= 5 for score in scores.values()
        ):
            raise ValidationError({"factor_scores": "Rate each factor from 1 to 5."})
        for change in self.changes:
            if change.get("status") not in InPlace.values:
                raise ValidationError({"changes": "Say whether each change is still in place."})
