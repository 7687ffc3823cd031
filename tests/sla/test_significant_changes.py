"""Significant changes notify the customer at once: a delay (cause, impact, new expected time) and a
hand-over to another team (why); the acknowledgement quotes the agent's own initial assessment."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.cases.models import Case, CaseStatus, TimelineEntry
from apps.cases.services import case_announce_delay, case_change_team, case_open, case_transition
from apps.notifications.outbox.models import Notification
from apps.portal.selectors import expected_resolutions
from apps.sla.models import TimerState
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory
from tests.conftest import client_for
from tests.customers.api_helpers import error, key_client
from tests.customers.factories import CustomerFactory
from tests.sla.factories import live_timers, open_case, sla_ready, timer_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY_0900 = datetime(2025, 6, 9, 9, 0, tzinfo=LONDON)
ELEVEN = MONDAY_0900 + timedelta(hours=2)
NEW_TIME = datetime(2025, 6, 20, 17, 0, tzinfo=LONDON)
CAUSE = "our supplier needs another week to send the part"
IMPACT = "the replacement reaches you on Friday 20 June instead of Monday"


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def announce(case, actor, at=ELEVEN, **fields):
    values = {"cause": CAUSE, "impact": IMPACT, "new_expected_at": NEW_TIME} | fields
    with time_machine.travel(at, tick=False):
        return case_announce_delay(actor=actor, case=case, **values)


def test_a_delay_notice_states_cause_impact_and_new_time_and_becomes_the_promise(tenant, actors):
    case = open_case(tenant, MONDAY_0900, source_channel="email")

    announce(case, actors.agent_a)

    sent = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.delayed")
    assert sent.template_version.template.key == "case.delayed"
    assert f"because {CAUSE}." in sent.text
    assert f"What this means for you: {IMPACT}." in sent.text
    assert "We now expect to resolve it by Friday, 20 June 2025, 17:00." in sent.text
    assert case.reference in sent.subject
    entry = TimelineEntry.objects.for_tenant(tenant).get(pk=sent.timeline_entry_id)
    assert (entry.visibility, entry.pending_delivery, entry.notification_id) == ("customer", False, sent.pk)
    assert entry.data["cause"] == CAUSE and entry.data["impact"] == IMPACT
    case = reload(case)
    assert case.promised_resolution_at == NEW_TIME
    event = AuditEvent.objects.for_tenant(tenant).get(action="case.delay_announced")
    assert event.changes["promised_resolution_at"] == [None, NEW_TIME.isoformat()]
    # What the portal shows from now on, instead of the SLA estimate (Fri 13 June 17:00).
    with time_machine.travel(ELEVEN, tick=False):
        estimates = expected_resolutions(tenant=tenant, customer=case.customer, cases=[case])
    assert estimates == {case.pk: NEW_TIME}
    # The notice was an update: the update clock counts again from it.
    update = live_timers(case)["update"]
    assert update.started_at == ELEVEN and update.consumed == timedelta(0)


def test_later_messages_quote_the_promised_time(tenant, actors):
    case = open_case(tenant, MONDAY_0900, source_channel="email")
    with time_machine.travel(MONDAY_0900 + timedelta(seconds=2), tick=False):
        sla_sweep()  # the acknowledgement goes with the SLA estimate
    acknowledgement = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.acknowledged")
    assert "Friday, 13 June 2025, 17:00" in acknowledgement.text

    announce(case, actors.agent_a)
    repairs = TeamFactory(tenant=tenant, name="Repairs")
    with time_machine.travel(ELEVEN + timedelta(hours=1), tick=False):
        case_change_team(actor=actors.agent_a, case=reload(case), team=repairs)

    handoff = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.handoff")
    assert "We still expect to resolve it by Friday, 20 June 2025, 17:00." in handoff.text


def test_a_second_delay_records_the_previous_promise(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    announce(case, actors.agent_a)
    later = NEW_TIME + timedelta(days=3)

    announce(reload(case), actors.agent_a, at=ELEVEN + timedelta(days=1), new_expected_at=later)

    assert reload(case).promised_resolution_at == later
    entries = TimelineEntry.objects.for_tenant(tenant).filter(case=case, data__event="delay").order_by("seq")
    previous = [entry.data["previous_expected_at"] for entry in entries]
    assert previous[0] is None and datetime.fromisoformat(previous[1]) == NEW_TIME
    assert Notification.objects.for_tenant(tenant).filter(case=case, trigger="case.delayed").count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"cause": "  "}, "cause", "Say why the case is delayed"),
        ({"cause": "x" * 301}, "cause", "under 300 characters"),
        ({"impact": "y" * 301}, "impact", "under 300 characters"),
        ({"new_expected_at": ELEVEN - timedelta(minutes=1)}, "new_expected_at", "must be in the future"),
        ({"new_expected_at": NEW_TIME.replace(tzinfo=None)}, "new_expected_at", "as a date and time"),
    ],
)
def test_a_bad_delay_notice_is_refused_and_changes_nothing(tenant, actors, fields, field, message):
    case = open_case(tenant, MONDAY_0900)
    version = case.version

    with pytest.raises(ValidationError) as refused:
        announce(case, actors.agent_a, **fields)

    assert message in refused.value.message_dict[field][0]
    case = reload(case)
    assert (case.version, case.promised_resolution_at) == (version, None)
    assert not TimelineEntry.objects.for_tenant(tenant).filter(case=case, data__event="delay").exists()
    assert not AuditEvent.objects.for_tenant(tenant).filter(action="case.delay_announced").exists()


def test_a_closed_case_cannot_be_delayed_and_resolving_ends_the_promise(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    announce(case, actors.agent_a)
    with time_machine.travel(ELEVEN + timedelta(hours=1), tick=False):
        case = case_transition(actor=actors.agent_a, case=reload(case), to_status=CaseStatus.RESOLVED)
    assert case.promised_resolution_at is None

    with pytest.raises(ValidationError) as refused:
        announce(case, actors.agent_a, at=ELEVEN + timedelta(hours=2))
    assert "Only an open case" in refused.value.message_dict["status"][0]


def test_a_hand_over_tells_the_customer_why(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    billing = TeamFactory(tenant=tenant, name="Billing")

    case_change_team(
        actor=actors.agent_a,
        case=case,
        team=billing,
        note="Refund over 100, needs Billing",
        reason_for_customer="they can issue the refund directly.",
    )

    sent = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.handoff")
    assert "to our Billing team, because they can issue the refund directly." in sent.text
    assert "needs Billing" not in sent.text  # the internal note stays internal


def test_the_acknowledgement_quotes_the_agents_initial_assessment(tenant, actors):
    customer = CustomerFactory(tenant=tenant)
    with time_machine.travel(MONDAY_0900, tick=False):
        case = case_open(
            tenant=tenant,
            actor=actors.agent_a,
            customer=customer,
            subject="Jacket refund",
            source_channel="email",
            initial_assessment="  we have found your return and are checking the refund.  ",
        )
        sla_sweep()

    sent = Notification.objects.for_tenant(tenant).get(case=case, trigger="case.acknowledged")
    assert (
        sent.context["case"]["initial_assessment"] == "we have found your return and are checking the refund"
    )
    assert "First assessment" in sent.text or "first assessment" in sent.text
    assert "we have found your return and are checking the refund" in sent.text
    assert timer_of(case, "acknowledge").state == TimerState.MET


# --- the agent's page and the API -----------------------------------------------------------------


def test_the_case_page_announces_a_delay_and_shows_form_errors(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    agent = client_for(tenant, actors.agent_a)
    path = f"/app/cases/{case.reference}/delay/"

    with time_machine.travel(ELEVEN, tick=False):
        page = agent.get(f"/app/cases/{case.reference}/")
        assert b"Announce a delay" in page.content
        bad = agent.post(path, {"version": case.version, "cause": "", "new_expected_at": "soon"})
        assert bad.status_code == 422
        assert "Say why the case is delayed" in bad.content.decode()
        assert "Give a date and time" in bad.content.decode()
        past = agent.post(
            path, {"version": case.version, "cause": CAUSE, "new_expected_at": "2025-06-01T10:00"}
        )
        assert past.status_code == 422 and "must be in the future" in past.content.decode()
        assert CAUSE in past.content.decode()  # what the agent typed is kept
        done = agent.post(
            path,
            {"version": case.version, "cause": CAUSE, "impact": "", "new_expected_at": "2025-06-20T17:00"},
        )

    assert done.status_code == 302
    # The agent's (tenant's) time zone reads the typed time: 17:00 in London.
    assert reload(case).promised_resolution_at == NEW_TIME
    assert Notification.objects.for_tenant(tenant).filter(case=case, trigger="case.delayed").count() == 1


def test_the_api_announces_a_delay_with_clear_errors(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    api = key_client(tenant)
    path = f"/api/v1/cases/{case.reference}/delay/"

    with time_machine.travel(ELEVEN, tick=False):
        missing = api("post", path, {"new_expected_at": "2025-06-20T17:00:00+01:00"})
        past = api("post", path, {"cause": CAUSE, "new_expected_at": "2025-06-01T10:00:00+01:00"})
        done = api(
            "post", path, {"cause": CAUSE, "new_expected_at": "2025-06-20T17:00:00+01:00", "version": 1}
        )

    assert missing.status_code == 400 and "cause" in error(missing)["fields"]
    assert past.status_code == 400 and "must be in the future" in error(past)["fields"]["new_expected_at"][0]
    assert done.status_code == 200, done.content
    body = done.json()
    assert datetime.fromisoformat(body["promised_resolution_at"]) == NEW_TIME
    assert body["timeline"][-1]["data"]["event"] == "delay"


def test_with_htmx_the_delay_card_is_replaced_only_by_its_own_form_and_hides_once_resolved(tenant, actors):
    case = open_case(tenant, MONDAY_0900)
    agent = client_for(tenant, actors.agent_a)
    htmx = {"HTTP_HX_REQUEST": "true"}

    with time_machine.travel(ELEVEN, tick=False):
        sent = agent.post(
            f"/app/cases/{case.reference}/delay/",
            {"version": case.version, "cause": CAUSE, "new_expected_at": "2025-06-20T17:00"},
            **htmx,
        )
        html = sent.content.decode()
        assert sent.status_code == 200 and "Delay notice on its way to the customer." in html
        card = html[html.index('id="case-delay"') :]
        assert "The customer was told: resolved by" in card and CAUSE not in card[: card.index("</form>")]

        version = reload(case).version
        noted = agent.post(
            f"/app/cases/{case.reference}/note/", {"version": version, "body": "Chasing the supplier"}, **htmx
        )
        html = noted.content.decode()
        assert 'id="case-delay"' not in html  # text being typed in the delay card stays
        assert f'name="version" value="{version + 1}" id="version-delay" hx-swap-oob="true"' in html

        resolved = agent.post(
            f"/app/cases/{case.reference}/status/",
            {"version": version + 1, "to_status": "resolved", "reason": "Part fitted"},
            **htmx,
        )
    html = resolved.content.decode()
    assert '<section id="case-delay" class="card case-delay" aria-labelledby="delay-title" hidden' in html
