"""A clinician's reflection on a piece of QI work, for their appraisal: private to its author."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from practices.access import authored_by

NO_PID = "Do not enter patient-identifiable data (names, NHS numbers, dates of birth)."


class WorkKind(models.TextChoices):
    PLAN = "plan", "Improvement plan"
    CYCLE = "cycle", "PDSA cycle"
    MEASURE = "measure", "Measure data entry"
    AUDIT = "audit", "Clinical audit"
    WORKSHOP = "workshop", "Workshop"
    VISIT = "visit", "Facilitation visit"


class ReflectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the author's own reflections: nobody else, staff included, sees them."""
        return authored_by(self, user)


class Reflection(models.Model):
    """What one person did, changed and learned in one piece of work, and what comes next."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    kind = models.CharField(max_length=10, choices=WorkKind.choices)
    object_id = models.PositiveIntegerField()
    what_and_why = models.TextField("what was done and why", blank=True, help_text=NO_PID)
    what_changed = models.TextField("what changed", blank=True, help_text=NO_PID)
    what_learned = models.TextField("what I learned", blank=True, help_text=NO_PID)
    what_next = models.TextField("what next", blank=True, help_text=NO_PID)
    # Optimistic lock (qiproject.locking): two open tabs cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "object_id"], name="one_reflection_per_work"
            )
        ]

    def __str__(self):
        return f"Reflection on {self.get_kind_display().lower()} {self.object_id}"
