import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from followup import services
from followup.factors import FACTOR_KEYS
from followup.models import Response, Survey
from messaging.models import Message
from practices.models import Role
from tests.followup.conftest import DUE, at, token_in
from tests.followup.factories import RecipientFactory, ResponseFactory, SurveyFactory
from tests.practices.factories import MembershipFactory, PracticeFactory

ANSWERS = {f"factor_{key}": "4" for key in FACTOR_KEYS}


@pytest.fixture
def sent(team):
    with time_machine.travel(at(DUE), tick=False):
        services.followup_send_due(today=DUE)
    return {
        name: token_in(Message.objects.get(recipient=user, period="").body)
        for name, user in team.items()
    }


def answer_url(token):
    return reverse("followup_answer", args=[token])


# The survey page: no sign-in, the personal link is the key.


def test_the_survey_opens_from_the_link_without_signing_in(client, sent, adopted):
    with time_machine.travel(at(DUE), tick=False):
        response = client.get(answer_url(sent["member_a"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Practice A" in page
    assert "STarT Back screening: Is this change still in place?" in page
    assert "Senior leadership engagement" in page
    assert "Dr Amy A" not in page and "Pat Rep" not in page and "Practice B" not in page


def test_a_submitted_answer_is_recorded_with_the_adopted_changes(client, sent, adopted):
    data = {
        **ANSWERS,
        "change_0_status": "yes",
        "change_0_why": "Part of every consultation now.",
        "change_1_status": "partly",
        "free_text": "The leaflet ran out.",
    }
    with time_machine.travel(at(DUE), tick=False):
        response = client.post(answer_url(sent["member_a"]), data)

    assert response.status_code == 302
    assert response.url == reverse("followup_thanks")
    answer = Response.objects.get()
    assert answer.changes[0] == {
        "key": "cycle:1",
        "title": "STarT Back screening",
        "status": "yes",
        "why": "Part of every consultation now.",
    }
    assert answer.factor_scores == dict.fromkeys(FACTOR_KEYS, 4)


def test_a_missing_rating_is_shown_next_to_the_question_and_nothing_is_saved(client, sent):
    data = {**ANSWERS, "free_text": "Kept"}
    del data["factor_benefits"]
    with time_machine.travel(at(DUE), tick=False):
        response = client.post(answer_url(sent["member_a"]), data)

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert "Kept" in response.content.decode()
    assert not Response.objects.exists()


def test_a_replayed_submission_is_refused_and_records_nothing_more(client, sent):
    with time_machine.travel(at(DUE), tick=False):
        client.post(answer_url(sent["member_a"]), ANSWERS)
        replay = client.post(answer_url(sent["member_a"]), ANSWERS)
        reopened = client.get(answer_url(sent["member_a"]))

    assert replay.status_code == 410
    assert reopened.status_code == 410
    assert "already been sent" in reopened.content.decode()
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused(client, sent):
    with time_machine.travel(at(DUE + timedelta(days=61)), tick=False):
        response = client.get(answer_url(sent["member_a"]))
        posted = client.post(answer_url(sent["member_a"]), ANSWERS)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert posted.status_code == 410
    assert not Response.objects.exists()


def test_a_tampered_link_is_refused_without_revealing_anything(client, sent):
    response = client.get(answer_url(sent["member_a"][:-3] + "abc"))

    assert response.status_code == 410
    assert "Practice A" not in response.content.decode()


# Response rates, results, CSV and questions: signed in, scoped by access rules.


def test_anonymous_is_sent_to_sign_in_from_every_results_page(client, programme, practice_a):
    SurveyFactory(programme=programme)
    urls = [
        reverse("followup_overview"),
        reverse("followup_practice_results", args=[practice_a.pk]),
        reverse("followup_programme_results", args=[programme.pk]),
        reverse("followup_programme_csv", args=[programme.pk]),
        reverse("followup_questions", args=[programme.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_an_outsider_gets_404_for_another_practices_results(login, sent, member_b, practice_a):
    response = login(member_b).get(reverse("followup_practice_results", args=[practice_a.pk]))

    assert response.status_code == 404


def test_a_practice_member_sees_their_practices_results(login, sent, member_a, practice_a):
    ResponseFactory(recipient=RecipientFactory(survey=Survey.objects.get(), practice=practice_a))

    response = login(member_a).get(reverse("followup_practice_results", args=[practice_a.pk]))

    assert response.status_code == 200
    assert "33% (1 of 3)" in response.content.decode()


def test_someone_who_does_not_run_the_programme_gets_404_for_its_results_csv_and_questions(
    login, sent, facilitator, programme
):
    client = login(facilitator)
    for name in ["followup_programme_results", "followup_programme_csv", "followup_questions"]:
        assert client.get(reverse(name, args=[programme.pk])).status_code == 404, name


def test_the_lead_sees_the_programme_results_in_a_fixed_number_of_queries(
    login, lead, programme, django_assert_max_num_queries
):
    survey = SurveyFactory(programme=programme)
    professions = [Role.GP, Role.NURSE, Role.PATIENT_REP, Role.MANAGER]
    for number in range(12):
        practice = PracticeFactory(programme=programme)
        recipient = RecipientFactory(
            survey=survey, practice=practice, profession=professions[number % 4]
        )
        if number % 3:
            ResponseFactory(
                recipient=recipient,
                changes=[{"key": "c", "title": "C", "status": "yes", "why": ""}],
                free_text=f"Comment {number}",
            )
    client = login(lead)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("followup_programme_results", args=[programme.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "67% (8 of 12)" in page
    assert "100% fully" in page
    # Two answers per profession: none is shown apart (fewer than 5 each).
    assert "Patient representative (2)" not in page
    assert "fewer than 5 answers each" in page
    assert "<svg" in page and "Comment 11" in page


def test_the_lead_downloads_the_answers_without_free_text_time_or_a_small_profession(
    login, lead, programme, practice_a
):
    survey = SurveyFactory(programme=programme)
    ResponseFactory(
        recipient=RecipientFactory(survey=survey, practice=practice_a, profession=Role.GP),
        free_text="Well, yes.",
        changes=[{"key": "c", "title": "Leaflet", "status": "yes", "why": "Dr X left"}],
    )

    response = login(lead).get(reverse("followup_programme_csv", args=[programme.pk]))

    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["practice", "ods_code", "profession"]
    assert "submitted_at" not in rows[0] and "free_text" not in rows[0]
    assert rows[1][:3] == ["Practice A", practice_a.ods_code, "fewer than 5"]
    assert rows[1][-1] == "Leaflet: yes"
    assert "Well, yes." not in text and "Dr X left" not in text


def test_comments_are_exported_alone_and_only_once_five_have_answered(
    login, lead, programme, practice_a
):
    survey = SurveyFactory(programme=programme)
    client = login(lead)
    url = reverse("followup_programme_comments_csv", args=[programme.pk])
    ResponseFactory(recipient=RecipientFactory(survey=survey, practice=practice_a), free_text="Z")
    assert client.get(url).content.decode().splitlines() == ["comment"]

    for number in range(4):
        ResponseFactory(
            recipient=RecipientFactory(survey=survey, practice=practice_a),
            free_text=f"=cmd {number}" if number else "",
        )

    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert rows == [["comment"], ["'=cmd 1"], ["'=cmd 2"], ["'=cmd 3"], ["Z"]]


def test_a_profession_with_one_respondent_is_not_shown_on_the_results_page(
    login, lead, programme, practice_a
):
    survey = SurveyFactory(programme=programme)
    for _ in range(5):
        ResponseFactory(recipient=RecipientFactory(survey=survey, profession=Role.GP))
    ResponseFactory(recipient=RecipientFactory(survey=survey, profession=Role.PHARMACIST))

    page = login(lead).get(reverse("followup_programme_results", args=[programme.pk]))

    html = page.content.decode()
    assert "GP (5)" in html and "Pharmacist (1)" not in html
    assert "Pharmacist: fewer than 5 answers each" in html


def test_a_practice_with_fewer_than_five_answers_shows_no_answers(
    login, sent, member_a, practice_a
):
    ResponseFactory(
        recipient=RecipientFactory(survey=Survey.objects.get(), practice=practice_a),
        free_text="Only I said this",
    )

    page = login(member_a).get(reverse("followup_practice_results", args=[practice_a.pk]))

    html = page.content.decode()
    assert "Only I said this" not in html
    assert "Answers are shown once at least 5 people have answered" in html


def test_the_response_rates_list_only_practices_the_person_can_see(
    login, sent, facilitator, django_assert_max_num_queries
):
    survey = Survey.objects.get()
    for _ in range(5):
        other = PracticeFactory(programme=survey.programme)
        MembershipFactory(practice=other)
        RecipientFactory(survey=survey, practice=other)
    client = login(facilitator)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("followup_overview"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Practice A" in page and "Practice B" not in page
    assert "0%" in page


def test_the_lead_edits_the_questions_before_the_survey_goes_out(login, lead, programme):
    data = {
        "intro": "Please tell us.",
        "change_question": "Still doing it?",
        "why_question": "Why?",
        "factor_intro": "1 low, 5 high.",
        "free_text_question": "Anything else?",
        **{f"factor_{key}": f"Statement {key}" for key in FACTOR_KEYS},
    }

    response = login(lead).post(reverse("followup_questions", args=[programme.pk]), data)

    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.change_question == "Still doing it?"
    assert survey.factor_statements["fit"] == "Statement fit"


def test_the_questions_are_locked_once_the_survey_has_gone_out(login, lead, programme, sent):
    response = login(lead).post(
        reverse("followup_questions", args=[programme.pk]), {"intro": "Too late"}
    )

    assert response.status_code == 409
    assert Survey.objects.get().intro != "Too late"


def test_anyone_sees_the_thank_you_page(client, db):
    assert client.get(reverse("followup_thanks")).status_code == 200


def test_an_outsider_sees_no_response_rate_of_another_practice(login, sent, member_b):
    response = login(member_b).get(reverse("followup_overview"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Practice B" in page and "Practice A" not in page
