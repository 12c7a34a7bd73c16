"""Learning needs shape the agenda: the weakest topics shown when planning, attached to sessions,
and the before/after results read by the sessions that addressed them."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.practices.factories import ProgrammeFactory
from tests.workshops.factories import LearningTopicFactory, WorkshopSessionFactory
from workshops import selectors, services
from workshops.models import Round


def url(name, *args):
    return reverse(f"workshops:{name}", args=args)


@pytest.fixture
def topics(programme, practice_a, practice_b, member_a, member_b):
    """Three topics: QI methods weakest (1.5), Red flags (4.0), one nobody rated."""
    red_flags = LearningTopicFactory(programme=programme, name="Red flags", position=1)
    qi = LearningTopicFactory(programme=programme, name="QI methods", position=2)
    unrated = LearningTopicFactory(programme=programme, name="Involving patients", position=3)
    for user, practice, answers in [
        (member_a, practice_a, {red_flags.pk: 4, qi.pk: 1}),
        (member_b, practice_b, {red_flags.pk: 4, qi.pk: 2}),
    ]:
        services.learning_needs_answer(
            user=user, practice=practice, round=Round.BEFORE, answers=answers
        )
    services.learning_needs_answer(
        user=member_a, practice=practice_a, round=Round.AFTER, answers={qi.pk: 4, red_flags.pk: 4}
    )
    return {"red_flags": red_flags, "qi": qi, "unrated": unrated}


def _form_data(session, **extra):
    return {
        "title": session.title,
        "starts_at": session.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "venue": session.venue,
        "version": session.version,
        **extra,
    }


def test_planning_a_session_shows_the_weakest_needs_and_offers_them_first(
    login, lead, programme, topics
):
    html = login(lead).get(url("session_create", programme.pk)).content.decode()
    assert "Where the teams feel least confident" in html
    assert "QI methods: 1.5 from 2 answers" in html
    weakest, stronger, unrated = (
        html.index("QI methods (confidence before: 1.5 of 5)"),
        html.index("Red flags (confidence before: 4.0 of 5)"),
        html.index("Involving patients (not rated yet)"),
    )
    assert weakest < stronger < unrated


def test_the_lead_attaches_topics_to_a_new_session(login, lead, programme, topics):
    starts = datetime(2026, 5, 6, 13, 30)
    data = {
        "title": "Measuring change",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Room 1",
        "agenda_topics": [topics["qi"].pk],
    }
    response = login(lead).post(url("session_create", programme.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    session = programme.workshop_sessions.get(title="Measuring change")
    assert list(session.agenda_topics.all()) == [topics["qi"]]


def test_the_lead_changes_a_sessions_topics_and_a_stale_form_is_refused(
    login, lead, programme, topics
):
    session = WorkshopSessionFactory(programme=programme)
    client = login(lead)
    data = _form_data(session, agenda_topics=[topics["qi"].pk, topics["red_flags"].pk])
    assert client.post(url("session_edit", session.pk), data).status_code == 302
    assert set(session.agenda_topics.all()) == {topics["qi"], topics["red_flags"]}
    stale = _form_data(session, agenda_topics=[topics["unrated"].pk])  # the old version
    response = client.post(url("session_edit", session.pk), stale)
    assert response.status_code == 409
    assert set(session.agenda_topics.all()) == {topics["qi"], topics["red_flags"]}


def test_a_topic_of_another_programme_cannot_be_attached(programme, topics):
    session = WorkshopSessionFactory(programme=programme)
    elsewhere = LearningTopicFactory(programme=ProgrammeFactory(), name="Elsewhere")
    with pytest.raises(ValidationError):
        services.session_update(session=session, version=session.version, agenda_topics=[elsewhere])
    assert not session.agenda_topics.exists()


def test_a_topic_of_another_programme_is_not_a_choice(login, lead, programme, topics):
    session = WorkshopSessionFactory(programme=programme)
    elsewhere = LearningTopicFactory(programme=ProgrammeFactory(), name="Elsewhere")
    data = _form_data(session, agenda_topics=[elsewhere.pk])
    response = login(lead).post(url("session_edit", session.pk), data)
    assert response.status_code == 200 and not session.agenda_topics.exists()


def test_the_session_page_shows_the_needs_it_addresses_with_their_change(
    login, lead, facilitator, member_a, programme, topics
):
    session = WorkshopSessionFactory(programme=programme, facilitators=[facilitator])
    session.agenda_topics.set([topics["qi"]])
    html = login(lead).get(url("session_detail", session.pk)).content.decode()
    assert "Learning needs it addresses" in html
    assert '<th scope="row">QI methods</th>' in html and "+2.5" in html
    assert "Red flags" not in html.split("Learning needs it addresses")[1].split("</section>")[0]
    html = login(member_a).get(url("session_detail", session.pk)).content.decode()
    assert "<li>QI methods</li>" in html and "+2.5" not in html  # names only for members


def test_an_outsider_gets_404_on_the_session_and_its_edit_form(login, stranger, programme):
    session = WorkshopSessionFactory(programme=programme)
    client = login(stranger)
    assert client.get(url("session_detail", session.pk)).status_code == 404
    assert client.get(url("session_edit", session.pk)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, programme):
    session = WorkshopSessionFactory(programme=programme)
    response = client.get(url("session_edit", session.pk))
    assert response.status_code == 302 and "login" in response.url


def test_the_results_show_the_change_by_topic_with_the_sessions_that_addressed_it(
    login, lead, programme, topics
):
    session = WorkshopSessionFactory(programme=programme, title="Measuring change")
    session.agenda_topics.set([topics["qi"]])
    results = selectors.learning_needs_results(programme=programme)
    assert [r.sessions for r in results] == [[session], [], []]
    assert results[0].change == 2.5
    html = login(lead).get(url("learning_needs", programme.pk)).content.decode()
    assert "Addressed in" in html and url("session_detail", session.pk) in html


def test_the_session_page_reads_the_needs_in_a_fixed_number_of_queries(
    login, lead, programme, topics, django_assert_max_num_queries
):
    sessions = [WorkshopSessionFactory(programme=programme) for _ in range(3)]
    for session in sessions:
        session.agenda_topics.set(topics.values())
    client = login(lead)
    with django_assert_max_num_queries(30):
        assert client.get(url("session_detail", sessions[0].pk)).status_code == 200
