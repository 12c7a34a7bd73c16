"""Who may see and change what: the one place where access rules live.

Rules:
- a practice member sees and edits their own practice's work;
- a patient representative sees their practice's work and may comment, not edit;
- a facilitator sees and edits the practices currently assigned to them;
- a programme lead sees every practice in their programme and runs the programme;
- staff see everything; curators (programme leads and staff) edit the evidence library.

Views load objects through these querysets (`get_object_or_404(Model.objects.visible_to(user),
pk=...)`), so what a user may not see is a 404, exactly like what does not exist. Models in
other apps that belong to a practice scope themselves with `practice_scoped(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q, Value
from django.http import Http404
from django.urls import reverse

from qiproject.users import is_signed_in

PATIENT_REP = "patient_rep"


def _is_anonymous(user) -> bool:
    return not is_signed_in(user)


def _is_everything_visible(user) -> bool:
    return bool(user.is_staff or user.is_superuser)


def _member_practice_ids(user, *, editors_only: bool):
    """Practices the user belongs to (ids, as a subquery)."""
    memberships = apps.get_model("practices", "Membership").objects.filter(user=user)
    if editors_only:
        memberships = memberships.exclude(role=PATIENT_REP)
    return memberships.values("practice_id")


def _facilitated_practice_ids(user):
    """Practices currently assigned to the user as facilitator (ids, as a subquery)."""
    assignments = apps.get_model("practices", "FacilitatorAssignment").objects
    return assignments.filter(facilitator=user, ended_on__isnull=True).values("practice_id")


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programmes in which the user can see at least one practice, or which they lead."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        practices = apps.get_model("practices", "Practice").objects.visible_to(user)
        return self.filter(Q(leads=user) | Q(pk__in=practices.values("programme_id"))).distinct()

    def run_by(self, user):
        """Programmes the user runs as lead (or any, for staff)."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(leads=user)


class PracticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Practices whose work the user may see."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(
            Q(pk__in=_member_practice_ids(user, editors_only=False))
            | Q(pk__in=_facilitated_practice_ids(user))
            | Q(programme__in=apps.get_model("practices", "Programme").objects.run_by(user))
        )

    def editable_by(self, user):
        """Practices whose plans, measures and cycles the user may change."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(
            Q(pk__in=_member_practice_ids(user, editors_only=True))
            | Q(pk__in=_facilitated_practice_ids(user))
        )

    def commentable_by(self, user):
        """Practices whose work the user may comment on: editors and patient representatives."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(
            Q(pk__in=_member_practice_ids(user, editors_only=False))
            | Q(pk__in=_facilitated_practice_ids(user))
        )

    def facilitated_by(self, user):
        """Practices the user facilitates now (staff: all): they record and edit visits there."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(pk__in=_facilitated_practice_ids(user))

    def supervised_by(self, user):
        """Practices whose visits' private notes the user may read: facilitator, lead, staff."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        return self.filter(
            Q(pk__in=_facilitated_practice_ids(user))
            | Q(programme__in=apps.get_model("practices", "Programme").objects.run_by(user))
        )

    def team_managed_by(self, user):
        """Practices whose team the user may invite people into (practice and programme leads)."""
        if _is_anonymous(user):
            return self.none()
        if _is_everything_visible(user):
            return self
        leads_of = apps.get_model("practices", "Membership").objects.filter(
            user=user, is_practice_lead=True
        )
        return self.filter(
            Q(pk__in=leads_of.values("practice_id"))
            | Q(programme__in=apps.get_model("practices", "Programme").objects.run_by(user))
        )


def practice_scoped(queryset, user, *, via: str = "practice", mode: str = "visible"):
    """Filter any queryset of practice-owned rows to those the user may see or edit.

    `via` is the lookup path from the model to its practice ("plan__practice");
    `mode` is "visible", "editable", "commentable", "facilitated" or "supervised".
    """
    practices = apps.get_model("practices", "Practice").objects
    allowed = {
        "visible": practices.visible_to,
        "editable": practices.editable_by,
        "commentable": practices.commentable_by,
        "facilitated": practices.facilitated_by,
        "supervised": practices.supervised_by,
    }[mode](user)
    if not _is_anonymous(user) and _is_everything_visible(user):
        return queryset
    return queryset.filter(**{f"{via}__in": allowed.values("pk")})


def signed_in_only(queryset, user):
    """The whole queryset for any signed-in user, nothing for anyone else (shared libraries)."""
    return queryset if is_signed_in(user) else queryset.none()


def programme_scoped(queryset, user, *, via: str = "programme", mode: str = "visible", also=None):
    """Filter any queryset of programme-owned rows to the programmes the user may see
    ("visible") or runs ("run"); `also` (a Q) lets in further rows, e.g. a session's own
    facilitators. Nothing for anyone not signed in."""
    if _is_anonymous(user):
        return queryset.none()
    programmes = apps.get_model("practices", "Programme").objects
    allowed = {"visible": programmes.visible_to, "run": programmes.run_by}[mode](user)
    condition = Q(**{f"{via}__in": allowed.values("pk")})
    if also is None:
        return queryset.filter(condition)
    return queryset.filter(condition | also).distinct()


def authored_by(queryset, user, *, via: str = "author"):
    """Rows the user wrote, for what is private to its author (appraisal reflections): nobody
    else sees them, staff included; nothing for anyone not signed in."""
    if _is_anonymous(user):
        return queryset.none()
    return queryset.filter(**{via: user})


def curated_scoped(queryset, user, *, public=None):
    """Evidence-style libraries: curators see every row; other signed-in users only the
    `public` rows (a Q), or none when `public` is None."""
    if can_curate_evidence(user):
        return queryset
    if public is None or _is_anonymous(user):
        return queryset.none()
    return queryset.filter(public)


def can_curate_evidence(user) -> bool:
    """Curators edit the evidence library: programme leads and staff."""
    if _is_anonymous(user):
        return False
    if _is_everything_visible(user):
        return True
    return apps.get_model("practices", "Programme").objects.run_by(user).exists()


def can_curate_audit_templates(user) -> bool:
    """Curators of the audit templates (criteria and standards): programme leads and staff."""
    return can_curate_evidence(user)


def evidence_curators():
    """Everyone who curates the evidence library (active staff and programme leads), as users."""
    users = apps.get_model("practices", "User").objects.filter(is_active=True)
    return users.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(led_programmes__isnull=False)
    ).distinct()


def can_run_programme(user, programme=None) -> bool:
    """Whether the user runs this programme (or any programme when none is given)."""
    programmes = apps.get_model("practices", "Programme").objects.run_by(user)
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    return programmes.exists()


def can_edit_practice(user, practice) -> bool:
    """Whether the user may change this practice's improvement work."""
    return practice_scoped_exists("editable_by", user, practice)


def can_comment_on_practice(user, practice) -> bool:
    """Whether the user may comment on this practice's work (includes patient representatives)."""
    return practice_scoped_exists("commentable_by", user, practice)


def can_record_visits(user, practice) -> bool:
    """Whether the user may log and edit facilitation visits for this practice."""
    return practice_scoped_exists("facilitated_by", user, practice)


def can_read_private_notes(user, practice) -> bool:
    """Whether the user may read the facilitator's private notes on this practice's visits."""
    return practice_scoped_exists("supervised_by", user, practice)


def can_manage_team(user, practice) -> bool:
    """Whether the user may invite people into this practice's team."""
    return practice_scoped_exists("team_managed_by", user, practice)


def practice_scoped_exists(method: str, user, practice) -> bool:
    """Whether `practice` is in the user's queryset of the given kind."""
    practices = apps.get_model("practices", "Practice").objects
    return getattr(practices, method)(user).filter(pk=practice.pk).exists()


@dataclass(frozen=True)
class PracticeLink:
    """A practice the user belongs to, as the navigation links to it."""

    practice_id: int
    practice_name: str


@dataclass(frozen=True)
class ProgrammeLink:
    """A programme the user leads, as the navigation links to it."""

    pk: int
    name: str


@dataclass
class Roles:
    """What a signed-in user is, for navigation and the home page (computed once per request)."""

    user: object
    memberships: list[PracticeLink] = field(default_factory=list)
    led_programmes: list[ProgrammeLink] = field(default_factory=list)
    facilitated_practice_ids: list[int] = field(default_factory=list)

    @property
    def is_lead(self) -> bool:
        return bool(self.led_programmes)

    @property
    def is_facilitator(self) -> bool:
        return bool(self.facilitated_practice_ids)

    @property
    def is_member(self) -> bool:
        return bool(self.memberships)

    @property
    def is_curator(self) -> bool:
        return self.oversees_facilitators

    @property
    def oversees_facilitators(self) -> bool:
        """Programme leads and staff: they see every facilitator's practices and time."""
        return not _is_anonymous(self.user) and (_is_everything_visible(self.user) or self.is_lead)

    @property
    def has_facilitator_pages(self) -> bool:
        """The facilitator dashboard, time summary and follow-up overview: facilitators,
        programme leads and staff."""
        return self.oversees_facilitators or self.is_facilitator

    @property
    def sees_the_exchange(self) -> bool:
        """The ideas exchange: anyone who works in or with a practice, and staff."""
        return self.is_member or self.has_facilitator_pages


def access_facilitator_pages(request) -> bool:
    """Let facilitators, programme leads and staff in (anyone else gets a 404, as for a page
    that does not exist); True for those who see every facilitator's work (leads, staff)."""
    roles = request_roles(request)
    if not roles.has_facilitator_pages:
        raise Http404("Only facilitators and programme leads have this page.")
    return roles.oversees_facilitators


def home_for(request) -> str:
    """Where the home page takes a signed-in user: a lead to their programme's dashboard,
    a facilitator to theirs, a member of one practice to it, anyone else to the practices."""
    roles = request_roles(request)
    if roles.is_lead:
        return reverse("dashboards:programme", kwargs={"pk": roles.led_programmes[0].pk})
    if roles.is_facilitator:
        return reverse("dashboards:facilitator")
    if len(roles.memberships) == 1:
        return reverse("practice_detail", kwargs={"pk": roles.memberships[0].practice_id})
    return reverse("practice_list")


def request_roles(request) -> Roles:
    """The signed-in user's roles, computed once per request (the navigation shares them)."""
    if not hasattr(request, "_qi_roles"):
        request._qi_roles = roles_for(request.user)
    return request._qi_roles


MEMBER, LEAD, FACILITATOR = "member", "lead", "facilitator"


def roles_for(user) -> Roles:
    """The roles a user holds, in one query: every signed-in page's navigation needs them.

    One UNION ALL of the user's memberships, the programmes they lead and the practices they
    facilitate now, each as (kind, id, name, start date for the programmes' order).
    """
    if _is_anonymous(user):
        return Roles(user=user)
    text, day = models.CharField(), models.DateField()
    members = (
        apps.get_model("practices", "Membership")
        .objects.filter(user=user)
        .values_list(
            Value(MEMBER, output_field=text),
            "practice_id",
            "practice__name",
            Value(None, output_field=day),
        )
    )
    leads = (
        apps.get_model("practices", "Programme")
        .objects.filter(leads=user)
        .values_list(Value(LEAD, output_field=text), "pk", "name", "start_date")
    )
    facilitates = _facilitated_practice_ids(user).values_list(
        Value(FACILITATOR, output_field=text),
        "practice_id",
        Value("", output_field=text),
        Value(None, output_field=day),
    )
    rows = list(members.order_by().union(leads.order_by(), facilitates.order_by(), all=True))
    memberships = sorted(
        (PracticeLink(pk, name) for kind, pk, name, _ in rows if kind == MEMBER),
        key=lambda link: (link.practice_name, link.practice_id),
    )
    # The programmes' own order: newest first, then by name.
    led = sorted(((-start.toordinal(), name, pk) for kind, pk, name, start in rows if kind == LEAD))
    return Roles(
        user=user,
        memberships=memberships,
        led_programmes=[ProgrammeLink(pk, name) for _, name, pk in led],
        facilitated_practice_ids=sorted(pk for kind, pk, _, _ in rows if kind == FACILITATOR),
    )


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Visits of the practices the user can see (the history follows the practice)."""
        return practice_scoped(self, user, via="practice", mode="visible")

    def editable_by(self, user):
        """Visits the user may edit: those of the practices they facilitate now."""
        return practice_scoped(self, user, via="practice", mode="facilitated")


class AgreedActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions agreed at visits to the practices the user can see."""
        return practice_scoped(self, user, via="practice", mode="visible")

    def editable_by(self, user):
        """Actions the user may mark done: practice editors (not patient reps) and facilitators."""
        return practice_scoped(self, user, via="practice", mode="editable")

    def open(self):
        """Actions not yet done."""
        return self.filter(done_at__isnull=True)

    def overdue(self, today):
        """Open actions past their due date on `today` (AgreedAction.is_overdue's twin)."""
        return self.open().filter(due_on__lt=today)
