"""Every email the product sends, rendered from the demo, read as its recipient would read it.

The demo is seeded once for the module (it is the slow part) inside a transaction that is
rolled back, every kind of email is claimed from it, and each is then checked: a one-line
subject, a greeting by name, plain text with no Python reprs or "None", and every link on the
configured site (the one exception: a workshop's own online meeting link, which the lead
entered and which points to the meeting service).
"""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.test.signals import template_rendered
from django.utils import timezone

from followup.services import followup_send_due
from messaging.models import Message
from messaging.reminders import REMINDERS, reminder_run
from practices.models import Practice, Role, User
from practices.services import invitation_create
from practices.views import PasswordResetView
from workshops.models import Invitation, WorkshopSession
from workshops.services import invitation_send

SITE_URL = "http://qi.test:8123"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
EMAIL_TEMPLATES = sorted(
    [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.glob("*/email/*.txt")]
    + ["registration/password_reset_email.html", "registration/password_reset_subject.txt"]
)
LINK = re.compile(r"""https?://[^\s<>"')\]]+""")
REPR = re.compile(r"<\w+: |QuerySet|object at 0x|\bNone\b")
HTML = re.compile(r"</?[a-zA-Z][^>]*>|&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")
GREETING = re.compile(r"Hello( \S.*)?,")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "for the January 2027" reads wrongly; "for January 2027" or "for the week beginning ...".
THE_MONTH = re.compile(rf"\bthe ({MONTHS}) \d{{4}}")
TITLES_ALONE = re.compile(r"^Hello (Dr|Mr|Mrs|Ms|Miss|Prof)\.?,")
# The mark makes the test database exist; the tests themselves read only what the fixture kept.
pytestmark = pytest.mark.django_db

# Every kind of email, and where it comes from.
KINDS = sorted(
    {
        *REMINDERS,
        "workshop_invitation",
        "followup_invitation",
        "followup_reminder",
        "practice_invitation",
        "password_reset",
    }
)


def _claim_every_kind_of_email() -> tuple[list[dict], set[str], list]:
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    lead = User.objects.get(email="lead@demo.test")

    # Workshop invitations, and their reminders 7 days and 1 day before.
    upcoming = WorkshopSession.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    session = upcoming.first() or WorkshopSession.objects.order_by("-starts_at").first()
    for invitation in Invitation.objects.filter(session=session).select_related("session")[:5]:
        invitation_send(invitation=invitation)
    session_day = timezone.localdate(session.starts_at)
    # The survey's invitations today, its reminders two weeks on.
    followup_send_due(today=today)
    followup_send_due(today=today + timedelta(days=14))
    # Each reminder on the first of these days that gives it something to say: measure data
    # falls due after a month with none entered, evidence after its review date.
    days = [
        today,
        session_day - timedelta(days=7),
        session_day - timedelta(days=1),
        today + timedelta(days=70),
        today + timedelta(days=800),
    ]
    for kind in REMINDERS:
        for day in days:
            if reminder_run(kind=kind, today=day):
                break
    # An invitation to join a practice, with a name and title.
    invitation_create(
        practice=Practice.objects.order_by("name").first(),
        invited_by=lead,
        email="new.gp@example.test",
        full_name="Dr Nadia Newcomer",
        role=Role.GP,
    )
    # The form the reset page uses.
    reset = PasswordResetView.form_class({"email": "gp1@demo.test"})
    assert reset.is_valid()
    reset.save(domain_override="qi.test")

    emails = [
        {
            "kind": message.kind,
            "subject": message.subject,
            "body": message.body,
            "to": message.to_email,
        }
        for message in Message.objects.order_by("kind", "pk")
    ]
    external = set(
        WorkshopSession.objects.exclude(online_url="").values_list("online_url", flat=True)
    )
    # Whatever reached a mail backend directly (not after commit, through the outbox).
    bypassed = [(email.subject, email.to) for email in mail.outbox]
    return emails, external, bypassed


@pytest.fixture(scope="module")
def demo_mail(django_db_setup, django_db_blocker):
    """(emails, external links, templates rendered, mail sent around the outbox) from the demo.

    Nothing is kept or sent.
    """
    rendered = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                SITE_URL=SITE_URL,
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            ),
            transaction.atomic(),
        ):
            mail.outbox = []
            emails, external, bypassed = _claim_every_kind_of_email()
            # Nothing leaves the transaction: after-commit sends never run.
            transaction.set_rollback(True)
    finally:
        template_rendered.disconnect(record)
        mail.outbox = []
    return emails, external, set(rendered), bypassed


def _of_kind(demo_mail, kind):
    emails = [email for email in demo_mail[0] if email["kind"] == kind]
    assert emails, f"the demo produced no {kind} email"
    return emails[:20]


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_has_a_one_line_subject_without_reprs(demo_mail, kind):
    for email in _of_kind(demo_mail, kind):
        subject = email["subject"]
        assert subject.strip() and "\n" not in subject and "\r" not in subject
        assert not REPR.search(subject), subject
        assert not THE_MONTH.search(subject), subject


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_greets_its_recipient_by_name(demo_mail, kind):
    for email in _of_kind(demo_mail, kind):
        first_line = email["body"].split("\n", 1)[0]
        assert GREETING.fullmatch(first_line), first_line
        assert not TITLES_ALONE.match(first_line), first_line


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_is_plain_text_with_no_python_reprs_or_none(demo_mail, kind):
    for email in _of_kind(demo_mail, kind):
        body = email["body"]
        assert not REPR.search(body), REPR.search(body).group(0) + " in:\n" + body
        assert not HTML.search(body), HTML.search(body).group(0) + " in:\n" + body
        assert "{{" not in body and "{%" not in body
        assert not THE_MONTH.search(body), THE_MONTH.search(body).group(0)


@pytest.mark.parametrize("kind", KINDS)
def test_every_link_in_every_email_points_to_the_configured_site(demo_mail, kind):
    external = demo_mail[1]
    for email in _of_kind(demo_mail, kind):
        for link in LINK.findall(email["body"]):
            assert link.startswith(SITE_URL + "/") or link in external, link


def test_every_email_template_is_rendered_by_this_test(demo_mail):
    assert set(EMAIL_TEMPLATES) <= demo_mail[2]


def test_no_email_goes_around_the_outbox(demo_mail):
    assert demo_mail[3] == []
