import pytest
from django.core import mail
from django.urls import reverse

from messaging.models import Message
from practices.models import Invitation, Membership, Role
from practices.services import invitation_create
from tests.practices.factories import MembershipFactory, PracticeFactory


def test_anonymous_visitors_are_sent_to_sign_in_from_the_practice_list(client):
    response = client.get(reverse("practice_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_member_sees_only_their_practice_in_the_list(login, member_a, practice_b):
    response = login(member_a).get(reverse("practice_list"))
    assert response.status_code == 200
    assert [p.name for p in response.context["practices"]] == ["Practice A"]


def test_the_practice_list_holds_a_query_budget_with_many_practices(
    login, lead, programme, django_assert_max_num_queries
):
    for _ in range(30):
        practice = PracticeFactory(programme=programme)
        MembershipFactory.create_batch(2, practice=practice)
    client = login(lead)
    # 8 before the visit log, plus its summary: last visits and open actions (2, fixed).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("practice_list"))
    assert len(response.context["practices"]) == 30


@pytest.mark.parametrize("name", ["practice_detail", "invitation_create"])
def test_anonymous_visitors_are_sent_to_sign_in(client, practice_a, name):
    response = client.get(reverse(name, args=[practice_a.pk]))
    assert response.status_code == 302


def test_an_outsider_gets_404_for_another_practice(login, member_b, practice_a):
    assert login(member_b).get(reverse("practice_detail", args=[practice_a.pk])).status_code == 404


def test_a_member_sees_their_team_patient_reps_and_facilitator(
    login, member_a, patient_rep, facilitator, practice_a
):
    response = login(member_a).get(reverse("practice_detail", args=[practice_a.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dr Amy A" in content and "Pat Rep" in content and "Fran Facilitator" in content
    assert [m.user for m in response.context["patient_reps"]] == [patient_rep]


def test_the_practice_page_holds_a_query_budget(
    login, member_a, practice_a, django_assert_max_num_queries
):
    MembershipFactory.create_batch(20, practice=practice_a, role=Role.NURSE)
    client = login(member_a)
    # The page also summarises the practice's improvement work, in a fixed number of queries.
    with django_assert_max_num_queries(16):
        client.get(reverse("practice_detail", args=[practice_a.pk]))


def test_the_programme_page_is_404_to_someone_outside_it(login, lead, programme):
    outsider = MembershipFactory(practice=PracticeFactory()).user
    url = reverse("programme_detail", args=[programme.pk])
    assert login(outsider).get(url).status_code == 404


def test_the_programme_page_shows_the_lead_their_practices(
    client, login, lead, practice_a, practice_b
):
    url = reverse("programme_detail", args=[lead.led_programmes.get().pk])
    assert client.get(url).status_code == 302
    response = login(lead).get(url)
    assert response.status_code == 200
    assert {p.name for p in response.context["practices"]} == {"Practice A", "Practice B"}


@pytest.mark.parametrize(
    "persona, target",
    [
        ("member_a", "home_practice"),
        ("facilitator", "dashboards:facilitator"),
        ("lead", "dashboards:programme"),
    ],
)
def test_home_is_the_right_starting_point_for_each_role(request, login, persona, target):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("home"))
    if target == "home_practice":
        expected = reverse("practice_detail", args=[user.memberships.get().practice_id])
    elif target == "dashboards:programme":
        expected = reverse(target, args=[user.led_programmes.get().pk])
    else:
        expected = reverse(target)
    assert response.url == expected


def test_home_sends_anonymous_visitors_to_sign_in(client):
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_a_patient_representative_cannot_invite(login, patient_rep, practice_a):
    url = reverse("invitation_create", args=[practice_a.pk])
    assert login(patient_rep).get(url).status_code == 404


def test_an_outsider_cannot_invite_into_another_practice(login, member_b, practice_a):
    url = reverse("invitation_create", args=[practice_a.pk])
    assert login(member_b).post(url, {"email": "x@example.test"}).status_code == 404


def test_a_practice_lead_invites_a_colleague(
    login, member_a, practice_a, django_capture_on_commit_callbacks
):
    url = reverse("invitation_create", args=[practice_a.pk])
    data = {"full_name": "Nina Nurse", "email": "nina@example.test", "role": Role.NURSE}
    with django_capture_on_commit_callbacks(execute=True):
        response = login(member_a).post(url, data)
    assert response.status_code == 302
    assert Invitation.objects.get().email == "nina@example.test"
    assert "invitations/" in mail.outbox[0].body


def test_a_bad_invitation_shows_the_message_next_to_the_field(login, member_a, practice_a):
    url = reverse("invitation_create", args=[practice_a.pk])
    response = login(member_a).post(
        url,
        {
            "full_name": "X",
            "email": "not-an-email",
            "role": Role.PATIENT_REP,
            "is_practice_lead": "on",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "is_practice_lead" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused_next_to_the_email(login, member_a, practice_a):
    url = reverse("invitation_create", args=[practice_a.pk])
    response = login(member_a).post(
        url, {"full_name": "Dr Amy A", "email": member_a.email, "role": Role.GP}
    )
    assert response.context["form"].errors["email"] == [
        "This person is already in the practice team."
    ]


def test_an_invitation_link_sets_a_password_signs_in_and_then_stops_working(
    client, practice_a, member_a
):
    _, token = invitation_create(
        practice=practice_a,
        invited_by=member_a,
        email="nina@example.test",
        full_name="Nina Nurse",
        role=Role.NURSE,
    )
    url = reverse("invitation_accept", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"new_password1": "back-pain-2027", "new_password2": "back-pain-2027"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="nina@example.test").exists()
    client.logout()
    assert client.get(url).status_code == 410


def test_mismatched_passwords_on_an_invitation_are_shown_and_the_link_still_works(
    client, practice_a, member_a
):
    _, token = invitation_create(
        practice=practice_a,
        invited_by=member_a,
        email="nina@example.test",
        full_name="Nina Nurse",
        role=Role.NURSE,
    )
    url = reverse("invitation_accept", args=[token])
    response = client.post(url, {"new_password1": "back-pain-2027", "new_password2": "other"})
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert Invitation.objects.get().accepted_at is None


def test_a_made_up_invitation_link_is_gone(client, db):
    assert client.get(reverse("invitation_accept", args=["made-up"])).status_code == 410


def test_sign_out_is_a_post(login, member_a):
    client = login(member_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("practice_list")).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(login, member_a):
    response = login(member_a).get(reverse("practice_list"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _invite_existing(practice, by, person):
    _, token = invitation_create(
        practice=practice,
        invited_by=by,
        email=person.email,
        full_name=person.full_name,
        role=Role.NURSE,
    )
    return reverse("invitation_accept", args=[token])


def test_an_invitation_to_an_existing_account_cannot_set_its_password(
    client, practice_b, member_b, member_a
):
    url = _invite_existing(practice_b, member_b, member_a)
    page = client.get(url)
    assert "Sign in to accept" in page.content.decode()
    response = client.post(
        url, {"new_password1": "taken-over-2027", "new_password2": "taken-over-2027"}
    )
    assert response.status_code == 200
    member_a.refresh_from_db()
    assert member_a.check_password("password")
    assert not member_a.memberships.filter(practice=practice_b).exists()
    assert "_auth_user_id" not in client.session


def test_an_existing_person_signs_in_and_then_accepts_an_invitation(
    client, practice_b, member_b, member_a
):
    url = _invite_existing(practice_b, member_b, member_a)
    response = client.post(
        reverse("login") + f"?next={url}",
        {"username": member_a.email, "password": "password"},
    )
    assert response.url == url
    assert client.post(url).status_code == 302
    member_a.refresh_from_db()
    assert member_a.check_password("password")
    assert member_a.memberships.filter(practice=practice_b).exists()


def test_someone_else_signed_in_cannot_accept_an_existing_persons_invitation(
    login, practice_b, member_b, member_a, patient_rep
):
    url = _invite_existing(practice_b, member_b, member_a)
    response = login(patient_rep).post(url)
    assert "This invitation is for" in response.content.decode()
    assert not member_a.memberships.filter(practice=practice_b).exists()
    assert not patient_rep.memberships.filter(practice=practice_b).exists()


def test_inviting_while_the_mail_server_is_down_still_succeeds_and_keeps_the_email(
    login, member_a, practice_a, smtp_down, django_capture_on_commit_callbacks
):
    url = reverse("invitation_create", args=[practice_a.pk])
    data = {"full_name": "Nina Nurse", "email": "nina@example.test", "role": Role.NURSE}

    with django_capture_on_commit_callbacks(execute=True):
        response = login(member_a).post(url, data)

    assert response.status_code == 302
    assert Invitation.objects.get().email == "nina@example.test"
    assert Message.objects.get(to_email="nina@example.test").last_error
