"""The person's API tokens page and the create_api_token command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from tests.api.conftest import Api
from tests.api.factories import make_token


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get(reverse("api_tokens")).status_code == 302
    assert client.post(reverse("api_token_revoke", args=[1])).status_code == 302


def test_a_person_creates_a_token_and_sees_it_once(login, member_a, practice_a):
    client = login(member_a)
    response = client.post(
        reverse("api_tokens"), {"name": "EMIS upload", "scope": "write", "days": "30"}
    )
    assert response.status_code == 302

    shown = client.get(reverse("api_tokens"))
    token = shown.context["new_token"]["token"]
    assert token in shown.content.decode()
    assert token not in client.get(reverse("api_tokens")).content.decode()

    saved = ApiToken.objects.get()
    assert saved.secret_hash == services.token_hash(token)
    assert token not in (saved.prefix, saved.secret_hash)
    assert saved.expires_at - saved.created_at == timedelta(days=30)
    assert Api(token).get(reverse("api:practice_list")).status_code == 200


def test_the_page_lists_only_the_persons_own_tokens(login, member_a, member_b):
    make_token(member_a, name="Mine")
    make_token(member_b, name="Ben's <b>own</b>")
    page = login(member_a).get(reverse("api_tokens")).content.decode()
    assert "Mine" in page
    assert "Ben" not in page


def test_a_token_name_is_shown_escaped(login, member_a):
    make_token(member_a, name="<script>alert(1)</script>")
    page = login(member_a).get(reverse("api_tokens")).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_a_second_live_token_of_the_same_name_is_a_form_error(login, member_a):
    make_token(member_a, name="EMIS upload")
    response = login(member_a).post(
        reverse("api_tokens"), {"name": "EMIS upload", "scope": "read", "days": "7"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["You already have a token with this name."]


def test_revoking_stops_the_token_at_once(login, member_a, practice_a):
    token = make_token(member_a)
    api_token = ApiToken.objects.get()
    response = login(member_a).post(reverse("api_token_revoke", args=[api_token.pk]))
    assert response.status_code == 302
    assert ApiToken.objects.get().status == "Revoked"
    assert Api(token).get(reverse("api:practice_list")).status_code == 401


def test_an_outsider_gets_404_revoking_someone_elses_token(login, member_a, member_b, staff):
    make_token(member_a)
    api_token = ApiToken.objects.get()
    for person in (member_b, staff):
        response = login(person).post(reverse("api_token_revoke", args=[api_token.pk]))
        assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_revoke_is_post_only(login, member_a):
    make_token(member_a)
    url = reverse("api_token_revoke", args=[ApiToken.objects.get().pk])
    assert login(member_a).get(url).status_code == 405


def test_the_page_says_when_each_token_was_last_used(login, member_a, practice_a):
    token = make_token(member_a, name="Script")
    Api(token).get(reverse("api:practice_list"))
    page = login(member_a).get(reverse("api_tokens")).content.decode()
    assert "Never" not in page


def test_the_user_menu_links_to_the_tokens_page(login, member_a, practice_a):
    page = login(member_a).get(reverse("practice_detail", args=[practice_a.pk]))
    assert reverse("api_tokens") in page.content.decode()


def test_the_page_holds_a_query_budget(login, member_a, django_assert_max_num_queries):
    for n in range(8):
        make_token(member_a, name=f"Token {n}")
    client = login(member_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api_tokens")).status_code == 200


# The command -------------------------------------------------------------------------------


def test_the_command_prints_the_token_and_nothing_else(member_a, practice_a):
    out = StringIO()
    call_command(
        "create_api_token",
        "--user",
        "GP.A@example.test",
        "--name",
        "Nightly",
        "--scope",
        "write",
        "--days",
        "30",
        stdout=out,
    )
    token = out.getvalue().strip()
    assert out.getvalue() == token + "\n"
    api_token = ApiToken.objects.get()
    assert (api_token.user, api_token.name, api_token.scope) == (member_a, "Nightly", "write")
    assert api_token.expires_at - api_token.created_at == timedelta(days=30)
    assert Api(token).get(reverse("api:practice_list")).status_code == 200


@pytest.mark.parametrize(
    "arguments",
    [
        ["--user", "nobody@example.test", "--name", "X", "--scope", "read"],
        ["--user", "gp.a@example.test", "--name", "X", "--scope", "read", "--days", "0"],
    ],
)
def test_the_command_refuses_an_unknown_person_or_a_bad_expiry(member_a, arguments):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("create_api_token", *arguments, stdout=out)
    assert out.getvalue() == ""
    assert not ApiToken.objects.exists()


def test_an_expired_token_says_so_on_the_page(login, member_a):
    make_token(member_a, days=1, now=timezone.now() - timedelta(days=3))
    assert ApiToken.objects.get().status == "Expired"
    assert "Expired" in login(member_a).get(reverse("api_tokens")).content.decode()


def test_staff_revoke_a_token_in_the_admin(login, staff, member_a):
    staff.is_superuser = True
    staff.save()
    make_token(member_a, name="Leaked")
    api_token = ApiToken.objects.get()
    response = login(staff).post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [api_token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().status == "Revoked"
    page = login(staff).get(reverse("admin:api_apitoken_change", args=[api_token.pk]))
    assert api_token.secret_hash not in page.content.decode()
