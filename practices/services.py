"""Writes for programmes, practices, people and invitations."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from messaging.models import Category
from messaging.services import message_claim
from practices import selectors
from practices.access import can_record_visits
from practices.freshness import practices_changed
from practices.models import (
    PLANNED_VISIT_HAS_NO_ACTIONS,
    PLANNED_VISIT_REFUSES,
    AgreedAction,
    FacilitatorAssignment,
    Invitation,
    Membership,
    Practice,
    Programme,
    Role,
    Visit,
    canonical_email,
)
from qiproject.links import absolute_url
from qiproject.locking import claim_version
from qiproject.saving import saved

User = get_user_model()

INVITATION_KIND = "practice_invitation"


@transaction.atomic
def user_create(*, email: str, full_name: str, password: str | None = None, **extra) -> User:
    """Create a person who signs in with their email address."""
    user = User(email=canonical_email(email), full_name=full_name, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return saved(user)


@transaction.atomic
def programme_create(
    *,
    name: str,
    clinical_topic: str,
    start_date: date,
    final_workshop_date: date,
    follow_up_due_date: date | None = None,
    description: str = "",
) -> Programme:
    """Create a programme; the follow-up defaults to a year after the final workshop."""
    return saved(
        Programme(
            name=name,
            clinical_topic=clinical_topic,
            description=description,
            start_date=start_date,
            final_workshop_date=final_workshop_date,
            follow_up_due_date=follow_up_due_date,
        )
    )


@transaction.atomic
def practice_create(
    *, programme: Programme, name: str, ods_code: str, list_size: int, address: str = ""
) -> Practice:
    """Enrol a practice in a programme."""
    return saved(
        Practice(
            programme=programme,
            name=name,
            ods_code=ods_code.strip().upper(),
            list_size=list_size,
            address=address,
        )
    )


@transaction.atomic
def membership_add(
    *,
    practice: Practice,
    user: User,
    role: str,
    is_practice_lead: bool = False,
    joined_on: date | None = None,
) -> Membership:
    """Add a person to a practice team with a role, joining today unless said otherwise."""
    return saved(
        Membership(
            practice=practice,
            user=user,
            role=role,
            is_practice_lead=is_practice_lead,
            joined_on=joined_on or timezone.localdate(),
        )
    )


@transaction.atomic
def facilitator_assign(
    *, practice: Practice, facilitator: User, on: date | None = None
) -> FacilitatorAssignment:
    """Assign a facilitator to a practice, ending the current assignment (history is kept)."""
    on = on or timezone.localdate()
    current = (
        FacilitatorAssignment.objects.select_for_update()
        .filter(practice=practice, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if current.facilitator_id == facilitator.pk:
            return current
        current.ended_on = max(on, current.started_on)
        saved(current)
    return saved(FacilitatorAssignment(practice=practice, facilitator=facilitator, started_on=on))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    practice: Practice,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    is_practice_lead: bool = False,
) -> tuple[Invitation, str]:
    """Invite a person into a practice team; the email with the link goes after commit."""
    email = canonical_email(email)
    if Membership.objects.filter(practice=practice, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already in the practice team."})
    if role == Role.PATIENT_REP and is_practice_lead:
        raise ValidationError(
            {"is_practice_lead": "A patient representative cannot be the practice lead."}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = saved(
        Invitation(
            email=email,
            full_name=full_name,
            practice=practice,
            role=role,
            is_practice_lead=is_practice_lead,
            invited_by=invited_by,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
    )
    link = absolute_url(reverse("invitation_accept", args=[token]))
    _invitation_claim_email(invitation, link=link)
    return invitation, token


def _invitation_claim_email(invitation: Invitation, *, link: str) -> None:
    # Through the outbox like every other email: retried, listed in the admin, sent after
    # commit, and the link (a password-setting secret) removed from the stored copy once sent.
    # Someone with an account gets it as theirs (in their messages); anyone else by address.
    account = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    context = {"invitation": invitation, "link": link}
    message_claim(
        recipient=account,
        to_email=invitation.email,
        kind=INVITATION_KIND,
        subject_key=f"invitation:{invitation.pk}",
        category=Category.ESSENTIAL,
        subject=f"You are invited to join {invitation.practice.name} on qiproject",
        body=render_to_string("practices/email/invitation.txt", context),
        redact=[link],
    )


PASSWORD_RESET_KIND = "password_reset"


def password_reset_email_claim(*, user: User, subject: str, body: str, token: str) -> None:
    """Claim a password-reset email in the outbox; its token is removed once it is sent.

    Keyed by the second it was asked for, so a double submit sends one email and a later
    request another.
    """
    message_claim(
        recipient=user,
        kind=PASSWORD_RESET_KIND,
        subject_key=f"user:{user.pk}",
        period=timezone.now().strftime("%Y-%m-%dT%H:%M:%S"),
        category=Category.ESSENTIAL,
        subject=subject,
        body=body,
        redact=[token],
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link points at, usable or not; None for an unknown token."""
    return (
        Invitation.objects.select_related("practice").filter(token_hash=_token_hash(token)).first()
    )


INVITATION_GONE = "This invitation link has expired or has already been used."


@transaction.atomic
def invitation_accept(*, token: str, password: str | None = None, user: User | None = None) -> User:
    """Use an invitation once: join the practice as the account its email names.

    A new address gets an account with the chosen `password`. An address that already has
    an account is accepted only by that person, signed in (`user`): the invitation never
    sets or replaces the password of an account in use.
    """
    now = timezone.now()
    invitation = invitation_for_token(token)
    # Claiming with a conditional update makes the link single-use even under a double submit.
    claimed = Invitation.objects.filter(
        token_hash=_token_hash(token), accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if invitation is None or not claimed:
        raise ValidationError(INVITATION_GONE, code="gone")
    account = selectors.invitation_account(invitation)
    if account is not None:
        if user is None or user.pk != account.pk:
            raise ValidationError(
                f"{invitation.email} already has an account: sign in with it to accept.",
                code="sign_in",
            )
    else:
        if not password:
            raise ValidationError("Choose a password.", code="password")
        account = User.objects.filter(email=canonical_email(invitation.email)).first()
        if account is None:
            account = user_create(email=invitation.email, full_name=invitation.full_name)
        # Only an account nobody can sign in to yet gets its first password here.
        account.set_password(password)
        account.save(update_fields=["password"])
    if not Membership.objects.filter(practice=invitation.practice, user=account).exists():
        membership_add(
            practice=invitation.practice,
            user=account,
            role=invitation.role,
            is_practice_lead=invitation.is_practice_lead,
        )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_user=account)
    return account


@dataclass(frozen=True)
class ActionInput:
    """An agreed action as entered: `pk` names an existing one, `delete` removes it."""

    owner: User | None = None
    description: str = ""
    due_on: date | None = None
    pk: int | None = None
    delete: bool = False


def _check_participants(practice: Practice, participants: Sequence[User]) -> None:
    ids = {user.pk for user in participants}
    members = set(
        Membership.objects.filter(practice=practice, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if ids - members:
        raise ValidationError(
            {"participants": "Only members of the practice team can be listed as taking part."}
        )


def _check_planned_visit(visit: Visit, participants: Sequence[User]) -> None:
    # Who took part is only known afterwards; the model checks the visit's own fields.
    if visit.is_planned and participants:
        raise ValidationError({"participants": PLANNED_VISIT_REFUSES})


def _actions_apply(visit: Visit, actions: Sequence[ActionInput]) -> None:
    existing = {action.pk: action for action in visit.actions.all()}
    errors = []
    for number, item in enumerate(actions, start=1):
        if item.pk is not None and item.pk not in existing:
            raise ValidationError("An action does not belong to this visit.")
        if item.delete:
            if item.pk is not None:
                existing[item.pk].delete()
            continue
        action = existing.get(item.pk) or AgreedAction(visit=visit, practice_id=visit.practice_id)
        action.owner_id = item.owner.pk if item.owner else None
        action.description, action.due_on = item.description, item.due_on
        try:
            saved(action)
        except ValidationError as error:
            errors.extend(f"Action {number}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)
    # Also catches a visit moved to a future date while keeping the actions agreed at it.
    if visit.is_planned and visit.actions.exists():
        raise ValidationError(PLANNED_VISIT_HAS_NO_ACTIONS)


@transaction.atomic
def visit_record(
    *,
    practice: Practice,
    facilitator: User,
    visited_on: date,
    mode: str,
    topics: str,
    duration_minutes: int | None = None,
    travel_minutes: int = 0,
    participants: Sequence[User] = (),
    other_participants: str = "",
    notes: str = "",
    private_notes: str = "",
    actions: Sequence[ActionInput] = (),
) -> Visit:
    """Log a support encounter with a practice (or plan one: a date after today, no record)."""
    if not can_record_visits(facilitator, practice):
        raise PermissionDenied("Only the practice's current facilitator records its visits.")
    _check_participants(practice, participants)
    visit = Visit(
        practice=practice,
        facilitator=facilitator,
        visited_on=visited_on,
        mode=mode,
        duration_minutes=duration_minutes,
        travel_minutes=travel_minutes,
        other_participants=other_participants,
        topics=topics,
        notes=notes,
        private_notes=private_notes,
    )
    _check_planned_visit(visit, participants)
    saved(visit)
    visit.participants.set(participants)
    _actions_apply(visit, [item for item in actions if item.pk is None])
    return visit


VISIT_EDITABLE_FIELDS = {
    "visited_on",
    "mode",
    "duration_minutes",
    "travel_minutes",
    "other_participants",
    "topics",
    "notes",
    "private_notes",
}


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    editor: User,
    version: int,
    participants: Sequence[User] | None = None,
    actions: Sequence[ActionInput] = (),
    **changes,
) -> Visit:
    """Edit a visit and its actions (completing a planned one); a stale form is refused."""
    if not can_record_visits(editor, visit.practice):
        raise PermissionDenied("Only the practice's current facilitator edits its visits.")
    unknown = set(changes) - VISIT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"visit_update() cannot change {', '.join(sorted(unknown))}")
    claim_version(visit, version)
    visit.refresh_from_db()
    for name, value in changes.items():
        setattr(visit, name, value)
    _check_planned_visit(visit, visit.participants.all() if participants is None else participants)
    saved(visit)
    if participants is not None:
        _check_participants(visit.practice, participants)
        visit.participants.set(participants)
    _actions_apply(visit, actions)
    return visit


@transaction.atomic
def action_mark_done(*, action: AgreedAction, user: User, done: bool = True) -> AgreedAction:
    """Mark an agreed action done (or not done again), recording who and when."""
    if not AgreedAction.objects.editable_by(user).filter(pk=action.pk).exists():
        raise PermissionDenied("Only the practice team and its facilitator mark actions done.")
    if done:
        # Conditional update: a double click keeps the first person and time.
        AgreedAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=user
        )
    else:
        AgreedAction.objects.filter(pk=action.pk).update(done_at=None, done_by=None)
    # update() sends no signals: open and overdue actions show on the dashboards.
    practices_changed([action.practice_id])
    action.refresh_from_db()
    return action
