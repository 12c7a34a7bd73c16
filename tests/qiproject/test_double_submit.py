"""Every create form is idempotent: the same rendered form posted twice creates one object.

`CREATES` lists every create page with how to fill its form; `NOT_CREATES` says, for every other
URL of the app, why it needs no double-submit guard. A test fails when a URL is in neither, so a
new create page cannot be added without deciding how a double submit is handled.

Each case GETs the page, parses the form as the browser would send it (its one-time token
included), fills the fields a person would type, and posts it twice; on PostgreSQL it also posts
it from 8 threads at once.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from threading import Barrier

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from audits.models import AuditRound, AuditTemplate
from evidence.models import EvidenceItem
from pdsa import services as pdsa_services
from pdsa.models import (
    ActDecision,
    ChangeIdea,
    CycleComment,
    CycleQuestion,
    CycleTask,
    DataPoint,
    Driver,
    IdeaComment,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    SharedIdea,
    Stage,
)
from practices.models import Invitation, Role, Visit
from qiproject.idempotency import FIELD
from qiproject.models import FormSubmission
from reports.models import Reflection
from tests.audits.factories import make_template
from tests.evidence.factories import EvidenceItemFactory
from tests.pdsa.factories import (
    ChangeIdeaFactory,
    DriverFactory,
    ImprovementPlanFactory,
    LibraryMeasureFactory,
    MeasureFactory,
    PDSACycleFactory,
)
from tests.practices.factories import MembershipFactory, UserFactory
from tests.workshops.factories import WorkshopSessionFactory
from tests.workshops.test_uploads import PDF
from workshops.models import LearningTopic, Material, WorkshopSession

# Parsing a rendered form -------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: each one's action and the fields a browser would submit."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select["options"] if selected]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = [self._select["options"][0][0]]
            self.forms[-1]["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def rendered_form(html: str, *, action: str = "", having: str = "") -> dict:
    """The submitted data of the page's form posting to `action` (and with field `having`)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        names = {name for name, _ in form["fields"]}
        if form["action"] == action and FIELD in names and (not having or having in names):
            data = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    raise AssertionError(f"No form posting to {action!r} with a {FIELD} on the page")


# The create pages ----------------------------------------------------------------------------


@dataclass
class Create:
    """A create page: who uses it, where its form is shown, what to type, what it creates."""

    url_name: str
    persona: str
    page: Callable  # world -> URL of the page showing the form
    action: Callable = lambda world: ""  # world -> the form's action ("" posts to the page)
    typed: Callable = lambda world: {}  # world -> fields a person fills in
    created: Callable = None  # world -> the queryset of what it creates
    having: str = ""
    files: Callable = field(default=lambda: {})

    def __str__(self):
        return self.url_name + (f"[{self.having}]" if self.having else "")


def _pdf():
    return {"file": SimpleUploadedFile("handout.pdf", PDF, content_type="application/pdf")}


CREATES = [
    Create(
        "pdsa:plan_create",
        "member_a",
        page=lambda w: reverse("pdsa:plan_create", args=[w.practice_a.pk]),
        typed=lambda w: {
            "title": "Fewer scans",
            "aim_what": "Image only with red flags",
            "start_date": "2026-02-01",
        },
        created=lambda w: ImprovementPlan.objects.filter(title="Fewer scans"),
    ),
    Create(
        "pdsa:plan_drivers",
        "member_a",
        page=lambda w: reverse("pdsa:plan_drivers", args=[w.plan.pk]),
        having="driver-text",
        typed=lambda w: {"driver-text": "Patients know what to expect"},
        created=lambda w: Driver.objects.filter(text="Patients know what to expect"),
    ),
    Create(
        "pdsa:plan_drivers",
        "member_a",
        page=lambda w: reverse("pdsa:plan_drivers", args=[w.plan.pk]),
        having="idea-title",
        typed=lambda w: {
            "idea-title": "Poster",
            "idea-driver": w.change_idea.driver_id,
            "idea-evidence": [w.evidence.pk],
        },
        created=lambda w: ChangeIdea.objects.filter(title="Poster"),
    ),
    Create(
        "pdsa:measure_create",
        "member_a",
        page=lambda w: reverse("pdsa:measure_create", args=[w.plan.pk]),
        typed=lambda w: {
            "name": "Scans",
            "definition": "Lumbar spine X-rays requested",
            "kind": "outcome",
            "data_type": "count",
            "improvement": "decrease",
        },
        created=lambda w: Measure.objects.filter(name="Scans"),
    ),
    Create(
        "pdsa:measure_adopt",
        "member_a",
        page=lambda w: reverse("pdsa:plan_detail", args=[w.plan.pk]),
        action=lambda w: reverse("pdsa:measure_adopt", args=[w.plan.pk, w.library_measure.pk]),
        created=lambda w: Measure.objects.filter(library_measure=w.library_measure),
    ),
    Create(
        "reports:reflection_create",
        "member_a",
        page=lambda w: reverse("reports:reflection_create") + f"?kind=plan&id={w.plan.pk}",
        typed=lambda w: {"what_learned": "Leaflets need a reminder at reception"},
        created=lambda w: Reflection.objects.filter(
            what_learned="Leaflets need a reminder at reception"
        ),
    ),
    Create(
        "pdsa:measure_data",
        "member_a",
        page=lambda w: reverse("pdsa:measure_data", args=[w.measure.pk]),
        typed=lambda w: {"period": "2026-03-01", "numerator": "4", "denominator": "9"},
        created=lambda w: DataPoint.objects.filter(measure=w.measure),
    ),
    Create(
        "pdsa:data_grid_edit",
        "member_a",
        page=lambda w: reverse("pdsa:data_grid_edit", args=[w.measure.pk]) + "?end=2026-03",
        action=lambda w: reverse("pdsa:data_grid_edit", args=[w.measure.pk]) + "?end=2026-03",
        typed=lambda w: {"p2026-03-numerator": "4", "p2026-03-denominator": "9"},
        created=lambda w: DataPoint.objects.filter(measure=w.measure),
    ),
    Create(
        "pdsa:library_create",
        "lead",
        page=lambda w: reverse("pdsa:library_create"),
        typed=lambda w: {
            "name": "Opioids",
            "definition": "People on opioids",
            "kind": "outcome",
            "data_type": "count",
            "improvement": "decrease",
        },
        created=lambda w: LibraryMeasure.objects.filter(name="Opioids"),
    ),
    Create(
        "pdsa:cycle_create",
        "member_a",
        page=lambda w: reverse("pdsa:cycle_create", args=[w.plan.pk]),
        typed=lambda w: {"title": "Poster test", "objective": "Try it for a week"},
        created=lambda w: PDSACycle.objects.filter(title="Poster test"),
    ),
    Create(
        "pdsa:cycle_next",
        "member_a",
        page=lambda w: reverse("pdsa:cycle_detail", args=[w.acted.pk]),
        action=lambda w: reverse("pdsa:cycle_next", args=[w.acted.pk]),
        created=lambda w: PDSACycle.objects.filter(previous=w.acted),
    ),
    Create(
        "pdsa:cycle_question_add",
        "member_a",
        page=lambda w: reverse("pdsa:cycle_detail", args=[w.cycle.pk]),
        action=lambda w: reverse("pdsa:cycle_question_add", args=[w.cycle.pk]),
        typed=lambda w: {"question": "Will GPs use it?", "prediction": "Yes"},
        created=lambda w: CycleQuestion.objects.filter(cycle=w.cycle),
    ),
    Create(
        "pdsa:cycle_task_add",
        "member_a",
        page=lambda w: reverse("pdsa:cycle_detail", args=[w.cycle.pk]),
        action=lambda w: reverse("pdsa:cycle_task_add", args=[w.cycle.pk]),
        typed=lambda w: {"what": "Print posters", "who": "Amy"},
        created=lambda w: CycleTask.objects.filter(cycle=w.cycle),
    ),
    Create(
        "pdsa:cycle_comment",
        "member_a",
        page=lambda w: reverse("pdsa:cycle_detail", args=[w.cycle.pk]),
        action=lambda w: reverse("pdsa:cycle_comment", args=[w.cycle.pk]),
        typed=lambda w: {"body": "Good start"},
        created=lambda w: CycleComment.objects.filter(cycle=w.cycle),
    ),
    Create(
        "pdsa:idea_share",
        "member_a",
        page=lambda w: reverse("pdsa:idea_share", args=[w.change_idea.pk]),
        typed=lambda w: {"summary": "Worth trying."},
        created=lambda w: SharedIdea.objects.filter(change_idea=w.change_idea),
    ),
    Create(
        "pdsa:exchange_comment",
        "member_a",
        page=lambda w: reverse("pdsa:exchange_detail", args=[w.shared_b.pk]),
        action=lambda w: reverse("pdsa:exchange_comment", args=[w.shared_b.pk]),
        typed=lambda w: {"body": "We will try it"},
        created=lambda w: IdeaComment.objects.filter(shared_idea=w.shared_b),
    ),
    Create(
        "pdsa:exchange_copy",
        "member_a",
        page=lambda w: reverse("pdsa:exchange_detail", args=[w.shared_b.pk]),
        action=lambda w: reverse("pdsa:exchange_copy", args=[w.shared_b.pk]),
        created=lambda w: ChangeIdea.objects.filter(plan=w.plan, title=w.shared_b.title),
    ),
    Create(
        "invitation_create",
        "member_a",
        page=lambda w: reverse("invitation_create", args=[w.practice_a.pk]),
        typed=lambda w: {"full_name": "Nina Nurse", "email": "nina@example.test"},
        created=lambda w: Invitation.objects.filter(email="nina@example.test"),
    ),
    Create(
        "visit_create",
        "facilitator",
        page=lambda w: reverse("visit_create", args=[w.practice_a.pk]),
        typed=lambda w: {
            "visited_on": "2026-04-19",
            "duration_minutes": "45",
            "travel_minutes": "0",
            "topics": "Measures",
        },
        created=lambda w: Visit.objects.filter(practice=w.practice_a),
    ),
    Create(
        "workshops:session_create",
        "lead",
        page=lambda w: reverse("workshops:session_create", args=[w.programme.pk]),
        typed=lambda w: {
            "title": "Workshop on medicines",
            "starts_at": w.starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (w.starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "venue": "Room 1",
        },
        created=lambda w: WorkshopSession.objects.filter(title="Workshop on medicines"),
    ),
    Create(
        "workshops:material_upload",
        "lead",
        page=lambda w: reverse("workshops:session_detail", args=[w.session.pk]),
        action=lambda w: reverse("workshops:material_upload", args=[w.session.pk]),
        typed=lambda w: {"title": "Handout"},
        files=_pdf,
        created=lambda w: Material.objects.filter(session=w.session),
    ),
    Create(
        "workshops:learning_topic_add",
        "lead",
        page=lambda w: reverse("workshops:learning_needs", args=[w.programme.pk]),
        action=lambda w: reverse("workshops:learning_topic_add", args=[w.programme.pk]),
        typed=lambda w: {"name": "Sleep and back pain"},
        created=lambda w: LearningTopic.objects.filter(name="Sleep and back pain"),
    ),
    Create(
        "audits:template_create",
        "lead",
        page=lambda w: reverse("audits:template_create"),
        typed=lambda w: {
            "name": "Sciatica audit",
            "clinical_area": "Low back pain",
            "kind": "criteria",
            "criteria-0-key": "no-gabapentinoids",
            "criteria-0-short_name": "No gabapentinoids",
            "criteria-0-question": "Was the person spared gabapentinoids?",
            "criteria-0-eligibility": "Sciatica",
            "criteria-0-standard": "95",
        },
        created=lambda w: AuditTemplate.objects.filter(name="Sciatica audit"),
    ),
    Create(
        "audits:round_create",
        "member_a",
        page=lambda w: reverse("audits:round_create", args=[w.practice_a.pk]),
        typed=lambda w: {
            "template": w.audit_template.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "sample_size": "20",
        },
        created=lambda w: AuditRound.objects.filter(practice=w.practice_a),
    ),
    Create(
        "api_tokens",
        "member_a",
        page=lambda w: reverse("api_tokens"),
        typed=lambda w: {"name": "EMIS upload", "scope": "write", "days": "90"},
        created=lambda w: ApiToken.objects.filter(name="EMIS upload"),
    ),
    Create(
        "evidence:create",
        "lead",
        page=lambda w: reverse("evidence:create"),
        typed=lambda w: {
            "title": "Opioids for chronic back pain",
            "summary": "Small short-term benefit.",
            "citation": "Chaparro 2013",
            "kind": "systematic_review",
            "url": "https://example.org/chaparro",
        },
        created=lambda w: EvidenceItem.objects.filter(title="Opioids for chronic back pain"),
    ),
]

# Every other URL, and why a double submit of it cannot create twice.
READ = "shows a page or a file; creates nothing"
EDIT = "changes an existing object; a repeat saves the same values (stale edits: locking)"
DELETE = "removes or retires an existing object; a repeat finds nothing left to remove"
NOT_CREATES = {
    "api_token_revoke": DELETE,
    "api:schema": READ,
    "api:docs": READ,
    "api:practice_list": READ,
    "api:practice_detail": READ,
    "api:plan_list": READ,
    "api:plan_detail": READ,
    "api:measure_list": READ,
    "api:measure_detail": READ,
    "api:measure_data": "keyed by period (one value per measure and period): a repeat finds "
    "the same values and changes nothing",
    "api:data_point_list": READ,
    "api:data_point_detail": READ,
    "api:cycle_list": READ,
    "api:cycle_detail": READ,
    "api:audit_round_list": READ,
    "api:audit_round_detail": READ,
    "audits:list": READ,
    "audits:template_detail": READ,
    "audits:template_edit": EDIT,
    "audits:round_detail": READ,
    "audits:round_edit": EDIT,
    "audits:round_cases": "saves cases by number (one per round and number): a repeat saves "
    "the same rows over",
    "audits:round_import": "imports cases by number (one per round and number), all or "
    "nothing: a repeat saves the same rows over",
    "audits:round_complete": "marks a draft round complete; a repeat finds it complete",
    "audits:measure_link": "one link per measure, set or replaced: a repeat sets the same link",
    "audits:funnel": READ,
    "healthz": READ,
    "login": "signs in; creates nothing",
    "password_reset": "sends a one-use reset link; a repeat sends another link, and either "
    "one works",
    "password_reset_confirm": "Django's password reset; its token is one-use",
    "reports:practice": READ,
    "reports:practice_pdf": READ,
    "reports:programme": READ,
    "reports:programme_pdf": READ,
    "reports:qi_activity": READ,
    "reports:qi_activity_pdf": READ,
    "reports:reflection_edit": EDIT,
    "dashboards:facilitator": READ,
    "dashboards:programme": READ,
    "dashboards:export": READ,
    "evidence:list": READ,
    "evidence:detail": READ,
    "evidence:history": READ,
    "evidence:edit": EDIT,
    "evidence:publish": EDIT,
    "evidence:retire": DELETE,
    "followup_overview": READ,
    "followup_thanks": READ,
    "followup_practice_results": READ,
    "followup_programme_results": READ,
    "followup_programme_csv": READ,
    "followup_programme_comments_csv": READ,
    "followup_answer": "the survey link's token takes one answer (unique per recipient)",
    "followup_questions": EDIT,
    "message_list": READ,
    "message_detail": READ,
    "message_preferences": EDIT,
    "pdsa:practice_dashboard": READ,
    "pdsa:plan_detail": READ,
    "pdsa:plan_edit": EDIT,
    "pdsa:plan_score": EDIT,
    "pdsa:driver_delete": DELETE,
    "pdsa:change_idea_edit": EDIT,
    "pdsa:change_idea_delete": DELETE,
    "pdsa:idea_withdraw": DELETE,
    "pdsa:exchange_list": READ,
    "pdsa:exchange_detail": READ,
    "pdsa:measure_chart": READ,
    "pdsa:measure_edit": EDIT,
    "pdsa:measure_export": READ,
    "pdsa:measure_rebase": EDIT,
    "pdsa:measure_import": "one value per period (unique): a repeat import refuses or replaces "
    "the same periods, it never adds a second value",
    "pdsa:data_point_edit": EDIT,
    "pdsa:data_point_delete": DELETE,
    "pdsa:library_list": READ,
    "pdsa:library_edit": EDIT,
    "pdsa:cycle_detail": READ,
    "pdsa:cycle_print": READ,
    "pdsa:cycle_edit": EDIT,
    "pdsa:cycle_advance": "moves the cycle on from the version the form was rendered with: "
    "a repeat is refused as stale",
    "pdsa:cycle_abandon": EDIT,
    "pdsa:cycle_question_delete": DELETE,
    "home": READ,
    "practice_list": READ,
    "practice_detail": READ,
    "visit_list": READ,
    "action_list": READ,
    "time_summary": READ,
    "visit_detail": READ,
    "visit_edit": EDIT,
    "action_done": EDIT,
    "programme_detail": READ,
    "invitation_accept": "the invitation's token is one-use; the account is unique by email",
    "workshops:session_list": READ,
    "workshops:session_detail": READ,
    "workshops:session_edit": EDIT,
    "workshops:session_invite": "invites only people not yet invited (one invitation per "
    "session and person): a repeat finds nobody left to invite",
    "workshops:session_calendar": READ,
    "workshops:invitation_respond": EDIT,
    "workshops:attendance_register": "sets who attended (one row per session and person)",
    "workshops:material_download": READ,
    "workshops:material_delete": DELETE,
    "workshops:feedback_submit": "one feedback per session and person (unique constraint)",
    "workshops:series_attendance": READ,
    "workshops:learning_needs": READ,
    "workshops:learning_topic_remove": DELETE,
    "workshops:learning_needs_practice": READ,
    "workshops:learning_needs_answer": "one answer per person, topic and round (unique), "
    "saved over",
}


def _url_names(resolver=None, namespace=""):
    """Every named URL of the project's own apps (the admin and Django's auth views aside)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if (
                entry.app_name == "admin"
                or getattr(entry.urlconf_name, "__name__", "") == "django.contrib.auth.urls"
            ):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_every_url_is_either_a_guarded_create_or_says_why_it_needs_no_guard():
    names = set(_url_names())
    creates = {case.url_name for case in CREATES}
    assert not creates & set(NOT_CREATES), "a URL is listed both as a create and not"
    assert names - creates - set(NOT_CREATES) == set(), "classify these new URLs"
    assert creates | set(NOT_CREATES) <= names, "these listed URLs no longer exist"


# The world the forms are filled in ------------------------------------------------------------


class World:
    """Named objects the cases refer to (w.plan, w.cycle, ...)."""


@pytest.fixture
def world(programme, practice_a, practice_b, lead, facilitator, member_a, member_b, settings):
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "test-media-double-submit"
    w = World()
    w.programme, w.practice_a = programme, practice_a
    w.lead, w.facilitator, w.member_a = lead, facilitator, member_a
    MembershipFactory(practice=practice_a, user=UserFactory(), role=Role.NURSE)
    w.evidence = EvidenceItemFactory(title="Leaflets")
    w.plan = ImprovementPlanFactory(practice=practice_a, title="Self-management advice")
    w.plan.team.add(member_a)
    driver = DriverFactory(plan=w.plan, text="Clinicians know the advice")
    w.change_idea = ChangeIdeaFactory(plan=w.plan, driver=driver, title="Leaflet in every room")
    w.measure = MeasureFactory(plan=w.plan, name="Advice given", kind="outcome")
    w.library_measure = LibraryMeasureFactory(name="Imaging rate")
    w.cycle = PDSACycleFactory(plan=w.plan, change_idea=w.change_idea, title="Leaflet")
    w.acted = PDSACycleFactory(
        plan=w.plan, title="Done", stage=Stage.ACT, decision=ActDecision.ADAPT
    )
    plan_b = ImprovementPlanFactory(practice=practice_b, title="Stratify first")
    plan_b.team.add(member_b)
    driver_b = DriverFactory(plan=plan_b, text="Clinicians stratify risk")
    idea_b = ChangeIdeaFactory(plan=plan_b, driver=driver_b, title="STarT Back template")
    w.shared_b = pdsa_services.idea_share(change_idea=idea_b, user=member_b, summary="Quick.")
    w.session = WorkshopSessionFactory(programme=programme)
    w.starts = datetime(2026, 4, 1, 13, 30)
    w.audit_template = make_template(name="Back pain audit")
    return w


def _client(world, case) -> Client:
    client = Client()
    client.force_login(
        getattr(world, case.persona), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def _rendered(world, case, client) -> dict:
    page = client.get(case.page(world))
    assert page.status_code == 200
    data = rendered_form(page.content.decode(), action=case.action(world), having=case.having)
    data.update(case.typed(world))
    return data


def _errors(response) -> list:
    """The form errors a refused post shows, for a readable failure."""
    return [
        value.errors
        for context in response.context or []
        for value in context.flatten().values()
        if getattr(value, "errors", None)
    ]


def _post(world, case, client, data):
    return client.post(case.action(world) or case.page(world), {**data, **case.files()})


@pytest.mark.parametrize("case", CREATES, ids=str)
def test_the_same_form_posted_twice_creates_one_object(case, world):
    client = _client(world, case)
    data = _rendered(world, case, client)
    first = _post(world, case, client, data)
    second = _post(world, case, client, data)
    assert first.status_code == 302, _errors(first)
    assert second.status_code == 302, _errors(second)
    assert case.created(world).count() == 1
    assert second.url == first.url
    assert FormSubmission.objects.count() == 1


@pytest.mark.parametrize("case", CREATES, ids=str)
def test_a_form_rendered_before_the_guard_still_creates(case, world):
    client = _client(world, case)
    data = _rendered(world, case, client)
    del data[FIELD]
    assert _post(world, case, client, data).status_code == 302
    assert case.created(world).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one writer at a time, so posts cannot race; CI runs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CREATES, ids=str)
def test_eight_parallel_posts_of_the_same_form_create_one_object(case, world):
    data = _rendered(world, case, _client(world, case))
    clients = [_client(world, case) for _ in range(8)]
    start = Barrier(len(clients))

    def post(client):
        try:
            start.wait()
            return _post(world, case, client, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(post, clients))
    assert statuses == [302] * len(clients)
    assert case.created(world).count() == 1
