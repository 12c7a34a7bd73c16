"""Writes for programmes, practices, people and invitations."""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from practices.models import (
    FacilitatorAssignment,
    Invitation,
    Membership,
    Practice,
    Programme,
    Role,
)

User = get_user_model()


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def user_create(*, email: str, full_name: str, password: str | None = None, **extra) -> User:
    """Create a person who signs in with their email address."""
    user = User(email=email.strip().lower(), full_name=full_name, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return _saved(user)


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
    return _saved(
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
    return _saved(
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
    *, practice: Practice, user: User, role: str, is_practice_lead: bool = False
) -> Membership:
    """Add a person to a practice team with a role."""
    return _saved(
        Membership(practice=practice, user=user, role=role, is_practice_lead=is_practice_lead)
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
        _saved(current)
    return _saved(FacilitatorAssignment(practice=practice, facilitator=facilitator, started_on=on))


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
    email = email.strip().lower()
    if Membership.objects.filter(practice=practice, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already in the practice team."})
    if role == Role.PATIENT_REP and is_practice_lead:
        raise ValidationError(
            {"is_practice_lead": "A patient representative cannot be the practice lead."}
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = _saved(
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
    link = settings.SITE_URL + reverse("invitation_accept", args=[token])
    transaction.on_commit(lambda: _invitation_send(invitation, link))
    return invitation, token


def _invitation_send(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"You are invited to join {invitation.practice} on qiproject",
        message=render_to_string("practices/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link points at, usable or not; None for an unknown token."""
    return (
        Invitation.objects.select_related("practice").filter(token_hash=_token_hash(token)).first()
    )


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Use an invitation once: create or join the account, set the password, add the membership."""
    now = timezone.now()
    invitation = invitation_for_token(token)
    # Claiming with a conditional update makes the link single-use even under a double submit.
    claimed = Invitation.objects.filter(
        token_hash=_token_hash(token), accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if invitation is None or not claimed:
        raise ValidationError("This invitation link has expired or has already been used.")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = user_create(email=invitation.email, full_name=invitation.full_name)
    user.set_password(password)
    user.save(update_fields=["password"])
    if not Membership.objects.filter(practice=invitation.practice, user=user).exists():
        membership_add(
            practice=invitation.practice,
            user=user,
            role=invitation.role,
            is_practice_lead=invitation.is_practice_lead,
        )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_user=user)
    return user
