"""Staff sign-in on the tenant's host: membership, throttling, audit, password reset, sign-out."""

import re

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
REFUSED = "That email and password do not match an account here."


def _sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/app/login/", {"email": email, "password": password, **extra})


def _events(tenant, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_tenant(tenant).filter(action=action).order_by("seq"))


def test_the_sign_in_page_shows_the_tenants_name(actors):
    response = client_for(actors.tenant_a).get("/app/login/")

    assert response.status_code == 200
    assert "Alpha Ltd" in response.content.decode()


def test_a_member_signs_in_and_lands_on_the_app(actors):
    client = client_for(actors.tenant_a)

    response = _sign_in(client, actors.agent_a.email)

    assert response.status_code == 302
    assert response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200
    [event] = _events(actors.tenant_a, "auth.signed_in")
    assert (event.actor_type, event.actor_id) == ("accounts.user", str(actors.agent_a.pk))


def test_the_email_is_matched_without_regard_to_case_or_spaces(actors):
    response = _sign_in(client_for(actors.tenant_a), f"  {actors.agent_a.email.upper()} ")

    assert response.status_code == 302


def test_sign_in_returns_to_a_local_next_page_but_never_to_another_site(actors):
    local = _sign_in(client_for(actors.tenant_a), actors.admin_a.email, next="/app/settings/")
    foreign = _sign_in(client_for(actors.tenant_a), actors.admin_a.email, next="https://evil.example/")

    assert local["Location"] == "/app/settings/"
    assert foreign["Location"] == "/app/"


def test_a_wrong_password_is_refused_and_audited_without_personal_data(actors):
    client = client_for(actors.tenant_a)

    response = _sign_in(client, actors.agent_a.email, "wrong password")

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert client.get("/app/").status_code == 302
    [event] = _events(actors.tenant_a, "auth.sign_in_failed")
    assert event.target_id == str(actors.agent_a.pk)
    assert event.metadata == {"reason": "bad_credentials"}
    assert actors.agent_a.email not in str(event.changes) + str(event.metadata)


def test_the_entered_email_is_kept_after_a_refusal(actors):
    response = _sign_in(client_for(actors.tenant_a), actors.agent_a.email, "wrong password")

    assert f'value="{actors.agent_a.email}"' in response.content.decode()


def test_a_member_of_another_tenant_is_refused_exactly_like_a_wrong_password(actors):
    client = client_for(actors.tenant_a)

    other_tenant = _sign_in(client, actors.staff_b.email)
    wrong_password = _sign_in(client, actors.agent_a.email, "wrong password")

    assert other_tenant.status_code == wrong_password.status_code == 200
    assert REFUSED in other_tenant.content.decode()
    assert client.get("/app/").status_code == 302
    assert [e.metadata["reason"] for e in _events(actors.tenant_a, "auth.sign_in_failed")] == [
        "not_a_member",
        "bad_credentials",
    ]


def test_a_deactivated_member_cannot_sign_in(actors):
    user = UserFactory()
    MembershipFactory(tenant=actors.tenant_a, user=user, is_active=False)

    response = _sign_in(client_for(actors.tenant_a), user.email)

    assert REFUSED in response.content.decode()


def test_an_account_is_throttled_after_repeated_failures_even_with_the_right_password(actors, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = client_for(actors.tenant_a)
    for _ in range(3):
        assert _sign_in(client, actors.agent_a.email, "wrong password").status_code == 200

    response = _sign_in(client, actors.agent_a.email)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) == settings.LOGIN_THROTTLE_WINDOW_SECONDS
    assert client.get("/app/").status_code == 302
    assert len(_events(actors.tenant_a, "auth.sign_in_throttled")) == 1


def test_the_account_throttle_is_per_tenant_and_email(actors, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    client = client_for(actors.tenant_a)
    for _ in range(2):
        _sign_in(client, actors.agent_a.email, "wrong password")

    assert _sign_in(client, actors.supervisor_a.email).status_code == 302
    assert _sign_in(client_for(actors.tenant_b), actors.staff_b.email).status_code == 302


def test_one_address_is_throttled_after_failures_across_many_accounts(actors, settings):
    settings.LOGIN_THROTTLE_IP_ATTEMPTS = 3
    client = client_for(actors.tenant_a)
    for n in range(3):
        _sign_in(client, f"guess{n}@example.test", "password")

    assert _sign_in(client, actors.agent_a.email).status_code == 429
    other_address = client_for(actors.tenant_a)
    other_address.defaults["REMOTE_ADDR"] = "192.0.2.9"
    assert _sign_in(other_address, actors.agent_a.email).status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(actors, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    client = client_for(actors.tenant_a)
    for _ in range(2):
        _sign_in(client, actors.agent_a.email, "wrong password")
    _sign_in(client, actors.agent_a.email)
    client.post("/app/logout/")

    for _ in range(2):
        _sign_in(client, actors.agent_a.email, "wrong password")

    assert _sign_in(client, actors.agent_a.email).status_code == 302


def test_sign_out_is_a_post_that_ends_the_session(actors):
    client = client_for(actors.tenant_a, actors.agent_a)

    assert client.get("/app/logout/").status_code == 405
    response = client.post("/app/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/app/login/"
    assert client.get("/app/").status_code == 302
    assert len(_events(actors.tenant_a, "auth.signed_out")) == 1


def test_pages_redirect_anonymous_visitors_to_sign_in_and_back(actors):
    response = client_for(actors.tenant_a).get("/app/settings/")

    assert response.status_code == 302
    assert response["Location"] == "/app/login/?next=/app/settings/"


def _reset_link(message) -> str:
    return re.search(r"http://\S+/app/password/reset/\S+/", message.body).group(0)


def test_password_reset_mails_a_link_on_the_tenant_host_that_sets_a_new_password(actors):
    client = client_for(actors.tenant_a)

    response = client.post("/app/password/reset/", {"email": actors.agent_a.email})

    assert response["Location"] == "/app/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == [actors.agent_a.email]
    assert "Alpha Ltd" in message.subject
    link = _reset_link(message)
    assert link.startswith("http://alpha.localhost/app/password/reset/")

    form_page = client.get(link.removeprefix("http://alpha.localhost"), follow=True)
    assert "Choose a password" in form_page.content.decode()
    new_password = "a much better passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done["Location"] == "/app/password/reset/complete/"

    assert _sign_in(client_for(actors.tenant_a), actors.agent_a.email, new_password).status_code == 302
    assert len(_events(actors.tenant_a, "auth.password_reset")) == 1


def test_password_reset_mails_nothing_for_a_member_of_another_tenant_but_says_the_same(actors):
    response = client_for(actors.tenant_a).post("/app/password/reset/", {"email": actors.staff_b.email})

    assert response["Location"] == "/app/password/reset/sent/"
    assert mail.outbox == []


def test_a_reset_link_does_not_work_on_another_tenants_host(actors):
    client_for(actors.tenant_a).post("/app/password/reset/", {"email": actors.agent_a.email})
    path = _reset_link(mail.outbox[0]).removeprefix("http://alpha.localhost")

    response = client_for(actors.tenant_b).get(path, follow=True)

    assert "This link no longer works" in response.content.decode()


def test_a_reset_link_works_only_once(actors):
    client = client_for(actors.tenant_a)
    client.post("/app/password/reset/", {"email": actors.agent_a.email})
    path = _reset_link(mail.outbox[0]).removeprefix("http://alpha.localhost")
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new_password = "a much better passphrase"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    again = client_for(actors.tenant_a).get(path, follow=True)

    assert "This link no longer works" in again.content.decode()
