"""Reads of practices and teams, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from practices.models import (
    AgreedAction,
    FacilitatorAssignment,
    Invitation,
    Membership,
    Practice,
    Role,
    User,
    Visit,
    VisitMode,
    canonical_email,
    visit_happened_q,
)


def practice_list(*, user):
    """The practices a user can see, with their programme, facilitator and team counts."""
    return (
        Practice.objects.visible_to(user)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "facilitator_assignments",
                queryset=FacilitatorAssignment.objects.filter(ended_on__isnull=True).select_related(
                    "facilitator"
                ),
            )
        )
        # Correlated counts, not a join with GROUP BY: the database counts only the rows of the
        # page being shown, and the paginator's COUNT(*) needs no join at all.
        .annotate(
            team_size=_member_count(~Q(role=Role.PATIENT_REP)),
            patient_rep_count=_member_count(Q(role=Role.PATIENT_REP)),
        )
        .order_by("name", "pk")
    )


def programme_practice_list(*, user, programme):
    """practice_list narrowed to one programme."""
    return practice_list(user=user).filter(programme=programme)


def practice_people(practice: Practice) -> dict:
    """A practice_detail practice's team, patient representatives and facilitators (no query)."""
    members = list(practice.memberships.all())
    return {
        "team": [m for m in members if not m.is_patient_rep],
        "patient_reps": [m for m in members if m.is_patient_rep],
        "assignments": list(practice.facilitator_assignments.all()),
    }


def visit_actions_initial(visit: Visit | None) -> list[dict]:
    """The visit's agreed actions as the initial rows of its action formset."""
    return [
        {"pk": a.pk, "description": a.description, "owner": a.owner_id, "due_on": a.due_on}
        for a in (visit.actions.all() if visit else [])
    ]


def visit_current(*, pk: int) -> Visit:
    """The visit as saved now (after someone else's edit), for showing beside the form."""
    return Visit.objects.get(pk=pk)


def _member_count(condition: Q):
    members = (
        Membership.objects.filter(condition, practice=OuterRef("pk"))
        .order_by()
        .values("practice")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def practice_detail(*, user, pk: int) -> Practice:
    """One practice the user can see, with its team and facilitator history loaded."""
    queryset = (
        Practice.objects.visible_to(user)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by(
                    "role", "user__full_name"
                ),
            ),
            Prefetch(
                "facilitator_assignments",
                queryset=FacilitatorAssignment.objects.select_related("facilitator").order_by(
                    "-started_on"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class OpenAction:
    """An open agreed action as the dashboards show it."""

    pk: int
    description: str
    due_on: date
    owner_name: str

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


@dataclass
class VisitSummary:
    """Per practice: last visit that happened, next planned one, open actions (soonest first)."""

    last_visit_on: date | None = None
    next_visit_on: date | None = None
    open_actions: list[OpenAction] = field(default_factory=list)

    @property
    def next_due_on(self) -> date | None:
        return self.open_actions[0].due_on if self.open_actions else None

    def overdue_count(self, today: date) -> int:
        return sum(1 for action in self.open_actions if action.is_overdue(today))


def visit_summaries(practice_ids, today: date | None = None) -> dict[int, VisitSummary]:
    """Last and next visit dates and open actions for many practices, in two queries.

    `practice_ids` is a list of ids or a values("pk") queryset; the caller decides access.
    A planned visit is never the last visit: only one that happened is.
    """
    today = today or timezone.localdate()
    ids = list(practice_ids)
    summaries = {pk: VisitSummary() for pk in ids}
    dates = (
        Visit.objects.filter(practice_id__in=ids)
        .values("practice_id")
        .annotate(
            last=Max("visited_on", filter=visit_happened_q(today)),
            next=Min("visited_on", filter=Q(visited_on__gt=today)),
        )
        .order_by()
    )
    for row in dates:
        summaries[row["practice_id"]].last_visit_on = row["last"]
        summaries[row["practice_id"]].next_visit_on = row["next"]
    actions = (
        AgreedAction.objects.open()
        .filter(practice_id__in=ids)
        .values_list("pk", "practice_id", "description", "due_on", "owner__full_name")
        .order_by("due_on", "pk")
    )
    for pk, practice_id, description, due_on, owner_name in actions:
        summaries[practice_id].open_actions.append(
            OpenAction(pk=pk, description=description, due_on=due_on, owner_name=owner_name)
        )
    return summaries


def _visits_with_people(user, practice):
    queryset = Visit.objects.visible_to(user).select_related("facilitator", "practice")
    if not practice.can_read_private_notes:
        # Never loaded for someone who may not read it, so no template slip can show it.
        queryset = queryset.defer("private_notes")
    return queryset


def visit_practice(*, user, pk: int) -> Practice:
    """A practice the user can see, marked with what they may do with its visit log."""
    practice = get_object_or_404(
        Practice.objects.visible_to(user)
        .select_related("programme")
        .annotate(
            can_record_visits=Exists(
                Practice.objects.facilitated_by(user).filter(pk=OuterRef("pk"))
            ),
            can_read_private_notes=Exists(
                Practice.objects.supervised_by(user).filter(pk=OuterRef("pk"))
            ),
            can_mark_actions=Exists(Practice.objects.editable_by(user).filter(pk=OuterRef("pk"))),
        ),
        pk=pk,
    )
    return practice


def visit_list(*, user, practice: Practice):
    """A practice's visits, newest first, with facilitator and counts of actions."""
    return (
        _visits_with_people(user, practice)
        .filter(practice=practice)
        .annotate(
            action_count=Count("actions"),
            open_action_count=Count("actions", filter=Q(actions__done_at__isnull=True)),
        )
        .order_by("-visited_on", "-pk")
    )


def visit_detail(*, user, pk: int) -> tuple[Visit, Practice]:
    """One visit the user can see, with its practice permissions, people and actions loaded."""
    found = get_object_or_404(Visit.objects.visible_to(user).values("practice_id"), pk=pk)
    practice = visit_practice(user=user, pk=found["practice_id"])
    visit = get_object_or_404(
        _visits_with_people(user, practice).prefetch_related(
            Prefetch("participants", queryset=User.objects.order_by("full_name")),
            Prefetch("actions", queryset=AgreedAction.objects.select_related("owner", "done_by")),
        ),
        pk=pk,
    )
    return visit, practice


def open_actions(*, user, practice: Practice):
    """A practice's open actions, soonest due first, with the visit they came from."""
    return (
        AgreedAction.objects.visible_to(user)
        .open()
        .filter(practice=practice)
        .select_related("owner", "visit")
        .defer("visit__private_notes", "visit__notes")
        .order_by("due_on", "pk")
    )


@dataclass(frozen=True)
class TimeRow:
    """Minutes a facilitator spent in one month, on one practice or (practice None) on all."""

    facilitator_id: int
    facilitator_name: str
    practice_id: int | None
    practice_name: str | None
    month: date
    visits: int
    on_site_minutes: int
    remote_minutes: int
    travel_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.on_site_minutes + self.remote_minutes + self.travel_minutes


def time_summary(
    *,
    user,
    start: date,
    end: date,
    own_only: bool,
    by_practice: bool = True,
    facilitator_id: int | None = None,
) -> list[TimeRow]:
    """Facilitator time per facilitator, month and (optionally) practice, in one query.

    `own_only` keeps the user's own visits (a facilitator's view of their practices); a lead
    sees every facilitator of the practices they can see, or one with `facilitator_id`.
    """
    # Only visits that happened: a planned one has taken no time yet.
    visits = (
        Visit.objects.visible_to(user).happened().filter(visited_on__gte=start, visited_on__lte=end)
    )
    if own_only:
        visits = visits.filter(facilitator=user)
    if facilitator_id is not None:
        visits = visits.filter(facilitator_id=facilitator_id)
    practice_keys = ["practice__name", "practice_id"] if by_practice else []
    keys = ["facilitator__full_name", "facilitator_id", *practice_keys, "month"]
    on_site = Q(mode=VisitMode.ON_SITE)
    rows = (
        visits.annotate(month=TruncMonth("visited_on"))
        .values(*keys)
        .annotate(
            visits=Count("pk"),
            on_site=Coalesce(Sum("duration_minutes", filter=on_site), 0),
            remote=Coalesce(Sum("duration_minutes", filter=~on_site), 0),
            travel=Coalesce(Sum("travel_minutes"), 0),
        )
        # No ORDER BY: the database groups by hashing; the few hundred rows are sorted here.
        .order_by()
    )
    result = [
        TimeRow(
            facilitator_id=row["facilitator_id"],
            facilitator_name=row["facilitator__full_name"],
            practice_id=row.get("practice_id"),
            practice_name=row.get("practice__name"),
            month=row["month"],
            visits=row["visits"],
            on_site_minutes=row["on_site"],
            remote_minutes=row["remote"],
            travel_minutes=row["travel"],
        )
        for row in rows
    ]
    result.sort(
        key=lambda r: (r.facilitator_name, r.facilitator_id, r.practice_name or "", r.month)
    )
    return result


@dataclass
class TimeGroup:
    """One facilitator's rows in a time summary, with their totals."""

    facilitator_id: int
    facilitator_name: str
    rows: list[TimeRow]

    @property
    def on_site_minutes(self) -> int:
        return sum(row.on_site_minutes for row in self.rows)

    @property
    def remote_minutes(self) -> int:
        return sum(row.remote_minutes for row in self.rows)

    @property
    def travel_minutes(self) -> int:
        return sum(row.travel_minutes for row in self.rows)

    @property
    def total_minutes(self) -> int:
        return self.on_site_minutes + self.remote_minutes + self.travel_minutes

    @property
    def visits(self) -> int:
        return sum(row.visits for row in self.rows)


def time_groups(rows: list[TimeRow]) -> list[TimeGroup]:
    """Time rows grouped by facilitator (rows arrive sorted by facilitator)."""
    groups: list[TimeGroup] = []
    for row in rows:
        if not groups or groups[-1].rows[0].facilitator_id != row.facilitator_id:
            groups.append(
                TimeGroup(
                    facilitator_id=row.facilitator_id,
                    facilitator_name=row.facilitator_name,
                    rows=[],
                )
            )
        groups[-1].rows.append(row)
    return groups


@dataclass(frozen=True)
class DueAction:
    """An open agreed action with its practice, for reminders and digests."""

    pk: int
    practice_id: int
    practice_name: str
    description: str
    due_on: date
    owner_name: str


def open_actions_due(
    *, due_before: date, due_from: date | None = None, practice_ids=None
) -> dict[int, list[DueAction]]:
    """Open actions due before a date (and on or after another), by practice, in one query.

    `practice_ids` limits the practices (all when None); the caller decides access.
    """
    actions = AgreedAction.objects.open().filter(due_on__lt=due_before)
    if due_from is not None:
        actions = actions.filter(due_on__gte=due_from)
    if practice_ids is not None:
        actions = actions.filter(practice_id__in=list(practice_ids))
    rows = actions.values_list(
        "pk", "practice_id", "practice__name", "description", "due_on", "owner__full_name"
    ).order_by("practice__name", "due_on", "pk")
    found: dict[int, list[DueAction]] = {}
    for row in rows:
        found.setdefault(row[1], []).append(DueAction(*row))
    return found


@dataclass(frozen=True)
class PlannedVisit:
    """A visit not yet recorded, with its practice, for the facilitators' digest."""

    pk: int
    practice_id: int
    practice_name: str
    visited_on: date
    mode: str
    topics: str

    @property
    def mode_label(self) -> str:
        return VisitMode(self.mode).label


def planned_visits(*, on_or_after: date, before: date, practice_ids) -> dict[int, list]:
    """Visits dated in [on_or_after, before) not yet recorded, by practice, in one query.

    Not yet recorded (no duration) so that a visit planned for today counts until it is
    completed; the caller decides access.
    """
    rows = (
        Visit.objects.filter(
            practice_id__in=list(practice_ids),
            visited_on__gte=on_or_after,
            visited_on__lt=before,
            duration_minutes__isnull=True,
        )
        .values_list("pk", "practice_id", "practice__name", "visited_on", "mode", "topics")
        .order_by("practice__name", "visited_on", "pk")
    )
    found: dict[int, list[PlannedVisit]] = {}
    for row in rows:
        found.setdefault(row[1], []).append(PlannedVisit(*row))
    return found


def practice_leads(practice_ids) -> dict[int, list[User]]:
    """The active practice leads of each practice, in one query."""
    memberships = (
        Membership.objects.filter(
            practice_id__in=list(practice_ids), is_practice_lead=True, user__is_active=True
        )
        .select_related("user")
        .order_by("practice_id", "user__full_name", "user_id")
    )
    leads: dict[int, list[User]] = {}
    for membership in memberships:
        leads.setdefault(membership.practice_id, []).append(membership.user)
    return leads


def invitation_account(invitation: Invitation) -> User | None:
    """The existing account an invitation's email belongs to, if it has a password to sign in with.

    Such a person accepts by signing in first: an invitation never sets or replaces the
    password of an account someone already uses.
    """
    account = User.objects.filter(email=canonical_email(invitation.email)).first()
    if account is not None and account.has_usable_password():
        return account
    return None
