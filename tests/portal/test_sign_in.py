"""Signing in to the portal: one-time codes, links, throttling, sessions, and no enumeration."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.notifications.models import DevOutboxMessage
from apps.portal.models import SignInCode
from apps.portal.session import SESSION_KEY
from tests.conftest import client_for
from tests.portal.conftest import code_from_last_email, link_from_last_email, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(world, eager_tasks, django_capture_on_commit_callbacks):
    """Ask for a code for `address` on tenant A's host; returns the client that asked."""

    def ask(address: str, client=None, next_path: str = ""):
        client = client or client_for(world.tenant_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/portal/sign-in/", {"address": address, "next": next_path})
        client.last_response = response
        return client

    return ask


def enter(client, code: str):
    return client.post("/portal/sign-in/code/", {"code": code})


def portal_session(client) -> dict | None:
    return client.session.get(SESSION_KEY)


def test_a_code_is_emailed_and_signs_the_customer_in(world, ask):
    client = ask("Emma@Example.test")

    assert client.last_response.status_code == 302
    assert client.last_response["Location"] == "/portal/sign-in/code/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["emma@example.test"]
    code = code_from_last_email()
    row = SignInCode.objects.for_tenant(world.tenant_a).get()
    assert code not in row.code_hash and len(row.code_hash) == 64  # only a keyed hash is stored
    response = enter(client, code)

    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert portal_session(client)["customer_id"] == world.customer.pk
    assert portal_session(client)["tenant_id"] == world.tenant_a.pk
    assert client.get("/portal/").status_code == 200


def test_sign_in_is_audited_with_the_customer_id_and_no_address(world, ask):
    client = ask("emma@example.test")
    enter(client, "000000" if code_from_last_email() != "000000" else "111111")
    enter(client, code_from_last_email())

    events = AuditEvent.objects.for_tenant(world.tenant_a).filter(action__startswith="portal.")
    actions = [event.action for event in events.order_by("seq")]
    assert actions == ["portal.sign_in_code_requested", "portal.sign_in_failed", "portal.signed_in"]
    for event in events:
        assert event.target_id == str(world.customer.pk)
        assert "emma" not in str(event.changes) + str(event.metadata)


def test_a_code_expires_after_ten_minutes(world, ask, time_machine):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    client = ask("emma@example.test")
    code = code_from_last_email()

    time_machine.move_to("2026-05-04 09:10:01Z", tick=False)
    response = enter(client, code)

    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert portal_session(client) is None


def test_a_code_works_once(world, ask):
    client = ask("emma@example.test")
    code = code_from_last_email()
    enter(client, code)
    client.post("/portal/sign-out/")

    again = client_for(world.tenant_a)
    session = again.session
    session["portal_pending"] = {"kind": "email", "value": "emma@example.test", "next": ""}
    session.save()
    response = enter(again, code)

    assert "That code did not work" in response.content.decode()
    assert portal_session(again) is None


def test_five_wrong_tries_block_the_code_even_for_the_right_one_after(world, ask):
    client = ask("emma@example.test")
    code = code_from_last_email()
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(5):
        assert "That code did not work" in enter(client, wrong).content.decode()

    response = enter(client, code)

    assert "That code did not work" in response.content.decode()
    assert SignInCode.objects.for_tenant(world.tenant_a).get().failed_attempts == 5
    assert portal_session(client) is None


def test_a_new_code_retires_the_previous_one(world, ask):
    client = ask("emma@example.test")
    first = code_from_last_email()
    ask("emma@example.test", client)
    second = code_from_last_email()

    if first != second:
        assert "That code did not work" in enter(client, first).content.decode()
    assert enter(client, second).status_code == 302


def test_requests_for_one_address_are_throttled(world, ask, settings):
    settings.PORTAL_CODE_REQUESTS_PER_ADDRESS = 3
    for _ in range(3):
        assert ask("emma@example.test").last_response.status_code == 302

    client = ask("emma@example.test")

    assert client.last_response.status_code == 429
    assert "Too many attempts" in client.last_response.content.decode()
    assert len(mail.outbox) == 3
    throttled = AuditEvent.objects.for_tenant(world.tenant_a).filter(action="portal.sign_in_code_throttled")
    assert throttled.exists()


def test_requests_from_one_ip_are_throttled_across_addresses(world, ask, settings):
    settings.PORTAL_CODE_REQUESTS_PER_IP = 2
    ask("emma@example.test")
    ask("noah@example.test")

    client = ask("someone@example.test")

    assert client.last_response.status_code == 429


def test_wrong_codes_are_throttled_per_address_across_codes(world, ask, settings):
    settings.PORTAL_SIGN_IN_FAILURES_PER_ADDRESS = 3
    client = ask("emma@example.test")
    wrong = "111111" if code_from_last_email() != "111111" else "222222"
    for _ in range(3):
        enter(client, wrong)
    client = ask("emma@example.test", client)

    response = enter(client, code_from_last_email())

    assert response.status_code == 429
    assert portal_session(client) is None


def _shape(response) -> str:
    """The page without what differs by design: the masked address typed, the per-render CSRF token."""
    page = response.content.decode().replace("e•••@example.test", "").replace("n•••@example.test", "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_an_unknown_address_gets_exactly_the_answer_a_known_one_gets(world, ask):
    known = ask("emma@example.test")
    unknown = ask("nobody@example.test")

    assert unknown.last_response.status_code == known.last_response.status_code == 302
    assert unknown.last_response["Location"] == known.last_response["Location"]
    assert _shape(known.get("/portal/sign-in/code/")) == _shape(unknown.get("/portal/sign-in/code/"))
    wrong_known, wrong_unknown = enter(known, "123456"), enter(unknown, "123456")
    assert wrong_known.status_code == wrong_unknown.status_code == 200
    assert "That code did not work" in wrong_unknown.content.decode()
    assert len(mail.outbox) == 1  # only the real customer got a code
    requested = AuditEvent.objects.for_tenant(world.tenant_a).filter(action="portal.sign_in_code_requested")
    assert sorted(event.metadata["known_address"] for event in requested) == [False, True]


def _statements(client, address: str, capture) -> list[tuple[str, str]]:
    """(verb, table) of every SQL statement a code request runs."""
    with capture(connection) as queries:
        client.post("/portal/sign-in/", {"address": address})
    shapes = []
    for query in queries.captured_queries:
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', query["sql"])
        shapes.append((query["sql"].split()[0].upper(), table.group(1) if table else ""))
    return shapes


def test_an_unknown_address_takes_the_same_steps_but_the_code_row(world):
    known = _statements(client_for(world.tenant_a), "emma@example.test", CaptureQueriesContext)
    unknown = _statements(client_for(world.tenant_a), "nobody@example.test", CaptureQueriesContext)

    known.remove(("INSERT", "portal_signincode"))
    assert known == unknown


def test_bad_input_gets_a_clear_error(world, ask):
    client = ask("not an address")

    assert client.last_response.status_code == 200
    assert "Enter an email address" in client.last_response.content.decode()


def test_a_mobile_number_gets_the_code_by_sms_also_typed_the_national_way(world, ask, settings):
    settings.DEV_OUTBOX = True  # SMS without Twilio credentials lands in the dev outbox
    client = ask("07400 123456")  # tenant A's time zone is Europe/London

    sms = DevOutboxMessage.objects.for_tenant(world.tenant_a).get()
    assert sms.channel == "sms" and sms.to_address == "+447400123456"
    code = sms.text.split()[0]
    assert len(code) == 6 and code.isdigit()
    assert enter(client, code).status_code == 302
    assert portal_session(client)["customer_id"] == world.customer.pk


def test_the_emailed_link_does_not_sign_in_on_get_but_does_on_post(world, ask):
    ask("emma@example.test")
    link = link_from_last_email()
    browser = client_for(world.tenant_a)

    page = browser.get(link)

    assert page.status_code == 200
    assert "Continue and sign in" in page.content.decode()
    assert portal_session(browser) is None
    assert SignInCode.objects.for_tenant(world.tenant_a).get().used_at is None

    response = browser.post(link)

    assert response.status_code == 302
    assert portal_session(browser)["customer_id"] == world.customer.pk
    assert browser.post(link).status_code == 400  # used up
    signed_in_event = AuditEvent.objects.for_tenant(world.tenant_a).get(action="portal.signed_in")
    assert signed_in_event.metadata["method"] == "link"


def test_the_link_of_tenant_a_does_nothing_on_tenant_b(world, ask):
    ask("emma@example.test")
    link = link_from_last_email()
    on_b = client_for(world.tenant_b)

    assert on_b.post(link).status_code == 400
    assert portal_session(on_b) is None


def test_the_page_asked_for_is_kept_through_sign_in(world, ask):
    client = client_for(world.tenant_a)
    first = client.get("/portal/orders/")
    assert first.status_code == 302 and first["Location"] == "/portal/sign-in/?next=%2Fportal%2Forders%2F"

    ask("emma@example.test", client, next_path="/portal/orders/")
    response = enter(client, code_from_last_email())

    assert response["Location"] == "/portal/orders/"


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/portal/", "//evil.example/portal/", "/app/", "/portal/\\evil"]
)
def test_only_portal_paths_on_this_host_are_followed_after_sign_in(world, ask, next_path):
    client = ask("emma@example.test", next_path=next_path)

    response = enter(client, code_from_last_email())

    assert response["Location"] == "/portal/"


def test_a_session_ends_after_thirty_idle_minutes(world, time_machine):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    client = signed_in(world.customer)
    assert client.get("/portal/cases/").status_code == 200

    time_machine.move_to("2026-05-04 09:29:00Z", tick=False)
    assert client.get("/portal/cases/").status_code == 200  # activity keeps it alive
    time_machine.move_to("2026-05-04 09:59:30Z", tick=False)
    response = client.get("/portal/cases/")

    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")
    assert portal_session(client) is None


def test_signing_out_ends_the_session_and_is_audited(world):
    client = signed_in(world.customer)

    response = client.post("/portal/sign-out/")

    assert response.status_code == 302
    assert client.get("/portal/").status_code == 302
    assert (
        AuditEvent.objects.for_tenant(world.tenant_a)
        .filter(action="portal.signed_out", actor_id=str(world.customer.pk))
        .exists()
    )


def test_a_portal_session_of_tenant_a_gives_nothing_on_tenant_b(world):
    client = signed_in(world.customer)
    client.defaults["HTTP_HOST"] = client_for(world.tenant_b).defaults["HTTP_HOST"]

    response = client.get("/portal/cases/")

    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


def test_a_staff_sign_in_is_not_a_portal_sign_in(world):
    staff = client_for(world.tenant_a, world.actors.agent_a)

    assert staff.get("/portal/cases/").status_code == 302


def test_a_code_is_good_for_ten_minutes_exactly(world, ask, time_machine):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    client = ask("emma@example.test")
    row = SignInCode.objects.for_tenant(world.tenant_a).get()

    assert row.expires_at - row.created_at == timedelta(minutes=10)
    time_machine.move_to("2026-05-04 09:09:59Z", tick=False)
    assert enter(client, code_from_last_email()).status_code == 302
