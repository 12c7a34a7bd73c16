"""One guard against double submits: a one-time token in every create form.

`{% form_token %}` (qiproject_tags) renders a hidden random token into a create form. The view
wraps its create in `create_once(request, form, create_fn)`: inside one transaction the token is
claimed first, as a unique `FormSubmission` row, then the object is created and recorded on that
row. A second submit of the same rendered form (a double click, a resent POST, a parallel
request) finds the row and gets the first submit's object back; nothing is created twice.

On PostgreSQL the loser of a parallel race blocks on the unique index until the winner commits,
then fails to insert, and reads the winner's row; if the winner rolled back, the loser's insert
simply succeeds and it creates the object itself.

A post without a token (a form rendered before this guard was deployed, or a client that does
not render forms) is allowed and creates as before: refusing it would lose a user's work for
no gain. Only a token seen before is deduplicated.

Claimed tokens are kept for `FORM_TOKEN_DAYS` days and deleted by the daily Celery beat task
`qiproject.tasks.form_submissions_sweep` (registered in `QiprojectConfig.ready()`).
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

FIELD = "form_token"
FORM_TOKEN_DAYS = 7
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

T = TypeVar("T")

ALREADY_SAVED = "That form was already sent: it was saved once, not twice."


def new_token() -> str:
    """A fresh one-time token for a rendered form."""
    return secrets.token_urlsafe(24)


def _token_from(request, form_or_key) -> str | None:
    if isinstance(form_or_key, str):
        return form_or_key or None
    data = getattr(form_or_key, "data", None)
    if data is None:
        data = request.POST
    token = data.get(FIELD, "") if hasattr(data, "get") else ""
    return token if isinstance(token, str) and _TOKEN.fullmatch(token) else None


def _key(request, token: str) -> str:
    user = getattr(request, "user", None)
    who = user.pk if user is not None and user.is_authenticated else "-"
    return hashlib.sha256(f"{who}|{request.path}|{token}".encode()).hexdigest()


def _record(submission, obj) -> None:
    if isinstance(obj, models.Model) and obj.pk is not None:
        submission.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        submission.object_id = str(obj.pk)
        submission.save(update_fields=["content_type", "object_id"])


def create_once(request, form_or_key, create_fn: Callable[[], T]) -> T:
    """Run `create_fn` once per rendered form; a repeat submit returns the first one's object.

    `form_or_key` is the bound form (its `form_token` is read from the submitted data), a token
    string, or None to read the token from `request.POST`. Whatever `create_fn` raises rolls the
    claim back with the create, so a corrected resubmit of the same form still works.
    """
    from qiproject.models import FormSubmission

    token = _token_from(request, form_or_key)
    if token is None:
        return create_fn()
    key = _key(request, token)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(key=key)
        except IntegrityError:
            submission = FormSubmission.objects.select_for_update().get(key=key)
            earlier = submission.created_object if submission.content_type_id else None
            if earlier is not None or not submission.content_type_id:
                messages.info(request, ALREADY_SAVED, fail_silently=True)
                return earlier
            # The first submit's object has since been deleted: this submit creates it anew.
        obj = create_fn()
        _record(submission, obj)
        return obj


def submitted_before(request, form_or_key=None):
    """The object a previous submit of this same rendered form created, or None.

    For a form whose own validation would refuse a repeat (a ModelForm checks the model's unique
    constraints): asked when validation or the save fails, so a repeat, or one racing the first
    submit, is sent to the first object instead of seeing its own name reported as taken.
    """
    from qiproject.models import FormSubmission

    token = _token_from(request, form_or_key)
    if token is None:
        return None
    submission = FormSubmission.objects.filter(key=_key(request, token)).first()
    return submission.created_object if submission and submission.content_type_id else None


def form_submissions_sweep(*, now=None) -> int:
    """Delete claimed tokens older than FORM_TOKEN_DAYS; returns how many were deleted."""
    from qiproject.models import FormSubmission

    cutoff = (now or timezone.now()) - timedelta(days=FORM_TOKEN_DAYS)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class OnceFormMixin:
    """Form mixin: a hidden `form_token` field, so `{{ form }}` carries the token by itself.

    Templates that lay fields out by hand use `{% form_token %}` instead; either way the view
    calls `create_once(request, form, create_fn)`.
    """

    def __init__(self, *args, **kwargs):
        from django import forms

        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=new_token, max_length=64
        )
