"""Signed links in messages: each allows exactly one action on one case, and expires."""

from urllib.parse import urlsplit

import pytest

from apps.audit.models import AuditEvent
from apps.cases.models import CaseStatus
from apps.cases.services import case_transition
from apps.feedback.models import CsatResponse
from apps.portal.links import case_link, confirm_link, csat_link
from apps.portal.session import SESSION_KEY
from tests.cases.factories import CaseFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(world):
    case = CaseFactory(customer=world.customer, subject="Lamp arrived broken")
    return case_transition(actor=world.actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_links_point_at_the_tenants_host(world, resolved):
    assert case_link(resolved) == f"http://alpha.localhost/portal/cases/{resolved.reference}/"
    assert confirm_link(resolved).startswith(f"http://alpha.localhost/portal/l/{resolved.reference}/solved/")


def test_the_confirm_link_shows_the_question_on_get_and_answers_on_post(world, resolved):
    client = client_for(world.tenant_a)
    url = path_of(confirm_link(resolved))

    page = client.get(url)
    resolved.refresh_from_db()

    assert page.status_code == 200 and "Is this solved for you?" in page.content.decode()
    assert resolved.status == CaseStatus.RESOLVED  # a GET (a mail scanner) changes nothing
    assert "Lamp arrived broken" not in page.content.decode()  # only the reference is shown

    response = client.post(url, {"solved": "yes"})

    resolved.refresh_from_db()
    assert response.status_code == 302 and resolved.status == CaseStatus.CLOSED
    after = client.get(url).content.decode()
    assert "this request is closed" in after and "/rate/" in after  # offers the rating link
    assert SESSION_KEY not in client.session  # acting by link does not sign anyone in
    event = AuditEvent.objects.for_tenant(world.tenant_a).get(action="portal.resolution_confirmed")
    assert event.metadata["via"] == "link" and event.actor_id == str(world.customer.pk)


def test_the_confirm_link_reopens_with_a_reason(world, resolved):
    url = path_of(confirm_link(resolved))

    client_for(world.tenant_a).post(url, {"solved": "no", "reason": "Still flickers."})

    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.REOPENED


def test_the_rating_link_rates_once(world, resolved):
    client = client_for(world.tenant_a)
    url = path_of(csat_link(resolved))

    assert "How did we do?" in client.get(url).content.decode()
    client.post(url, {"rating": "1", "comment": "Slow."})
    again = client.post(url, {"rating": "5"})

    response = CsatResponse.objects.for_tenant(world.tenant_a).get()
    assert (response.rating, response.source) == (1, "link")
    assert response.followup_case is not None
    assert "You rated this 1 out of 5." in again.content.decode()


def test_an_expired_link_is_refused(world, resolved, time_machine):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    url = path_of(confirm_link(resolved))

    time_machine.move_to("2026-05-18 09:00:01Z", tick=False)
    response = client_for(world.tenant_a).post(url, {"solved": "yes"})

    assert response.status_code == 404
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.RESOLVED


def test_a_link_for_one_purpose_does_nothing_for_another(world, resolved):
    rating_token = path_of(csat_link(resolved)).rstrip("/").rsplit("/", 1)[1]

    response = client_for(world.tenant_a).post(
        f"/portal/l/{resolved.reference}/solved/{rating_token}/", {"solved": "yes"}
    )

    assert response.status_code == 404
    resolved.refresh_from_db()
    assert resolved.status == CaseStatus.RESOLVED


def test_a_link_for_one_case_does_nothing_for_another(world, resolved):
    other = case_transition(
        actor=world.actors.agent_a, case=CaseFactory(customer=world.customer), to_status=CaseStatus.RESOLVED
    )
    url = path_of(confirm_link(resolved)).replace(resolved.reference, other.reference)

    response = client_for(world.tenant_a).post(url, {"solved": "yes"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == CaseStatus.RESOLVED


def test_a_tampered_link_is_refused(world, resolved):
    url = path_of(confirm_link(resolved))

    assert client_for(world.tenant_a).get(url[:-3] + "xx/").status_code == 404


def test_the_not_solved_link_opens_the_reason_box(world, resolved):
    page = client_for(world.tenant_a).get(path_of(confirm_link(resolved)) + "?answer=no").content.decode()

    assert '<details class="not-solved" open>' in page
