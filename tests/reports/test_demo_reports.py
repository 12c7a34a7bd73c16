"""The reports of the demo programme: what each PDF says, who may open it, what never shows.

The demo is loaded once for the module (seed_demo) and rolled back after it.
"""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pdsa.models import ImprovementPlan, PDSACycle
from practices.models import Practice, User, Visit
from reports.models import Reflection
from workshops.models import Attendance, WorkshopSession

pytestmark = pytest.mark.django_db

PRIVATE_NOTE = "PRIVATE-FACILITATOR-NOTE-7731"
OWN_REFLECTION = "REFLECTION-OF-SARAH-4409"
PERSONAS = {
    "lead": "lead@demo.test",
    "facilitator": "facilitator@demo.test",
    "gp1": "gp1@demo.test",
    "gp2": "gp2@demo.test",
    "patient_rep": "patientrep1@demo.test",
    "staff": "admin@demo.test",
}


def client_as(persona: str | None) -> Client:
    client = Client()
    if persona:
        user = User.objects.get(email=PERSONAS[persona])
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """The text with every run of white space as one space (PDF lines break anywhere)."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def world(demo, django_db_blocker):
    """The demo's first two practices and programme, a private note on a visit to practice 1
    that Dr Whitfield took part in, and her own reflection on her plan."""
    with django_db_blocker.unblock():
        practice_1 = Practice.objects.get(ods_code="Z99001")
        practice_2 = Practice.objects.get(ods_code="Z99002")
        gp1 = User.objects.get(email=PERSONAS["gp1"])
        visit = Visit.objects.filter(practice=practice_1).happened().order_by("pk").first()
        Visit.objects.filter(pk=visit.pk).update(private_notes=PRIVATE_NOTE, notes=PRIVATE_NOTE)
        visit.participants.add(gp1)
        plan = ImprovementPlan.objects.filter(practice=practice_1, team=gp1).first()
        client = client_as("gp1")
        page = reverse("reports:reflection_create") + f"?kind=plan&id={plan.pk}"
        response = client.post(
            page,
            {
                "kind": "plan",
                "id": plan.pk,
                "what_learned": OWN_REFLECTION,
                "what_next": "Re-audit",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return {
            "practice_1": practice_1,
            "practice_2": practice_2,
            "programme": practice_1.programme,
            "plan": plan,
            "visit": visit,
            "reflection": Reflection.objects.get(author=gp1),
        }


@pytest.fixture(scope="module")
def practice_pdf(world, django_db_blocker):
    with django_db_blocker.unblock():
        url = reverse("reports:practice_pdf", args=[world["practice_1"].pk])
        return pdf_text(client_as("gp1").get(url))


@pytest.fixture(scope="module")
def programme_pdf(world, django_db_blocker):
    with django_db_blocker.unblock():
        url = reverse("reports:programme_pdf", args=[world["programme"].pk])
        return pdf_text(client_as("lead").get(url))


@pytest.fixture(scope="module")
def activity_pdf(world, django_db_blocker):
    with django_db_blocker.unblock():
        url = reverse("reports:qi_activity_pdf") + "?start=2024-01-01&end=2026-12-31"
        return pdf_text(client_as("gp1").get(url))


def test_the_practice_report_pdf_holds_the_practices_headings_names_and_numbers(
    world, practice_pdf
):
    text = flat(practice_pdf)
    practice = world["practice_1"]
    for heading in (
        f"Practice report: {practice.name}",
        "Improvement plans",
        "Driver diagram",
        "Measures",
        "PDSA cycles",
        "Audits and re-audits",
        "Workshops attended",
        "Follow-up survey: sustainability",
    ):
        assert heading in text
    assert world["plan"].title in text
    for cycle in PDSACycle.objects.filter(plan=world["plan"]):
        assert f"PDSA {cycle.number}: {cycle.title}" in text
    for session in WorkshopSession.objects.filter(programme=world["programme"]):
        people = Attendance.objects.filter(session=session, practice=practice).count()
        assert flat(f"{session.title} {session.starts_at:%-d %b %Y} {people}") in text
    assert "Contains no patient-identifiable data" in text
    assert re.search(r"Page 1 of \d+", text)
    assert timezone.localdate().strftime("%-d %b %Y") in text


def test_the_programme_report_pdf_has_a_summary_and_the_programmes_numbers(world, programme_pdf):
    text = flat(programme_pdf)
    programme = world["programme"]
    started = PDSACycle.objects.filter(
        plan__practice__programme=programme, start_date__isnull=False
    ).count()
    practices = programme.practices.count()
    assert text.index("Summary") < text.index("Practices and their teams")
    assert f"Practices engaged (with an improvement plan) {practices} of {practices}" in text
    assert f"PDSA cycles started {started}" in text
    for heading in (
        f"Programme report: {programme.name}",
        "Workshops: attendance and feedback",
        "Learning needs before and after the workshops",
        "Decisions at Act",
        "Measures with an improvement signal",
        "Audits: practices compared",
        "Follow-up survey",
    ):
        assert heading in text
    for practice in programme.practices.all():
        assert practice.name in text
    assert "Contains no patient-identifiable data" in text


def test_the_qi_activity_pdf_is_laid_out_under_an_appraisers_headings(world, activity_pdf):
    text = flat(activity_pdf)
    assert "Quality improvement activity: Dr Sarah Whitfield" in text
    assert world["plan"].title in text
    for heading in ("Why it was chosen", "What was done", "Results", "Reflection", "What next"):
        assert heading in text
    assert OWN_REFLECTION in text
    assert "Facilitation visit" in text
    # The demo's practice lead entered the practice's data and its audit cases.
    assert "Measure data entry" in text
    assert "Clinical audit" in text
    assert PRIVATE_NOTE not in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("facilitator", 200),
        ("gp1", 200),
        ("patient_rep", 200),
        ("staff", 200),
        ("gp2", 404),
    ],
)
def test_the_practice_report_is_for_whoever_may_see_the_practice(world, persona, status):
    response = client_as(persona).get(reverse("reports:practice", args=[world["practice_1"].pk]))
    assert response.status_code == status
    if status == 200:
        assert PRIVATE_NOTE not in response.content.decode()
        assert OWN_REFLECTION not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead", 200), ("staff", 200), ("facilitator", 404), ("gp1", 404), ("patient_rep", 404)],
)
def test_the_programme_report_is_for_whoever_runs_the_programme(world, persona, status):
    response = client_as(persona).get(reverse("reports:programme", args=[world["programme"].pk]))
    assert response.status_code == status
    if status == 200:
        assert PRIVATE_NOTE not in response.content.decode()
        assert OWN_REFLECTION not in response.content.decode()


def test_a_gp_of_practice_2_gets_404_for_practice_1s_report_and_its_pdf(world):
    client = client_as("gp2")
    for name in ("reports:practice", "reports:practice_pdf"):
        assert client.get(reverse(name, args=[world["practice_1"].pk])).status_code == 404
    assert (
        client.get(reverse("reports:programme_pdf", args=[world["programme"].pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    ["reports:practice", "reports:practice_pdf", "reports:programme", "reports:programme_pdf"],
)
def test_anonymous_visitors_are_sent_to_sign_in(world, name):
    pk = world["practice_1"].pk if "practice" in name else world["programme"].pk
    response = client_as(None).get(reverse(name, args=[pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("persona", ["lead", "facilitator", "gp2", "patient_rep", "staff"])
def test_nobody_else_sees_a_persons_reflections_staff_included(world, persona):
    client = client_as(persona)
    edit = reverse("reports:reflection_edit", args=[world["reflection"].pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"what_learned": "Taken over", "version": 1}).status_code == 404
    page = client.get(reverse("reports:qi_activity"))
    assert page.status_code == 200
    assert OWN_REFLECTION not in page.content.decode()
    assert PRIVATE_NOTE not in page.content.decode()


def test_the_author_sees_and_edits_their_reflection_on_their_summary(world):
    client = client_as("gp1")
    page = client.get(reverse("reports:qi_activity") + "?start=2024-01-01&end=2026-12-31")
    assert OWN_REFLECTION in page.content.decode()
    edit = reverse("reports:reflection_edit", args=[world["reflection"].pk])
    assert client.get(edit).status_code == 200


def test_the_reflection_is_not_in_the_admin(world):
    from django.contrib import admin

    assert Reflection not in admin.site._registry


def test_a_person_cannot_reflect_on_work_they_took_no_part_in(world):
    plan_2 = ImprovementPlan.objects.filter(practice=world["practice_2"]).first()
    client = client_as("gp1")
    url = reverse("reports:reflection_create") + f"?kind=plan&id={plan_2.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "plan", "id": plan_2.pk}).status_code == 404


def test_the_practice_report_reads_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    client = client_as("lead")
    with django_assert_max_num_queries(40):
        client.get(reverse("reports:practice", args=[world["practice_1"].pk]))


def test_the_programme_report_reads_in_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    # A few queries per audit criterion for its funnel (the demo has two templates); none per
    # practice, session or measure.
    client = client_as("lead")
    with django_assert_max_num_queries(100):
        client.get(reverse("reports:programme", args=[world["programme"].pk]))


def test_a_report_as_of_a_day_before_the_programme_leaves_out_everything_after(world):
    client = client_as("lead")
    page = client.get(
        reverse("reports:practice", args=[world["practice_1"].pk]), {"as_of": "2020-01-01"}
    )
    text = page.content.decode()
    assert "No improvement plan had started by 1 Jan 2020" in text
    assert world["plan"].title not in text


def test_the_visits_in_a_summary_never_carry_their_notes(world):
    facilitator = client_as("facilitator")
    page = facilitator.get(reverse("reports:qi_activity") + "?start=2024-01-01&end=2026-12-31")
    assert page.status_code == 200
    assert "Facilitation visit" in page.content.decode()
    assert PRIVATE_NOTE not in page.content.decode()
