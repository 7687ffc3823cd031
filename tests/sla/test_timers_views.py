"""The SLA engine's staff pages: escalation queue and its actions, notices and the bell, clocks, settings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import Case, TimelineEntry
from apps.cases.services import case_escalate
from apps.sla.models import Escalation, EscalationOutcome, EscalationStatus, SlaSettings, StaffNotice
from apps.sla.notices import staff_notify
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory, add_to_team
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.sla.factories import open_case, sla_ready

LONDON = ZoneInfo("Europe/London")
OPENED = datetime(2025, 6, 9, 9, tzinfo=LONDON)
QUEUE = "/app/escalations/"


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


@pytest.fixture
def breached(tenant, actors):
    """A Billing case whose first response was missed: escalated to level 1 by the sweeper."""
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a, actors.supervisor_a)
    case = open_case(tenant, OPENED, source_channel="email", team=team, assignee=actors.agent_a)
    with time_machine.travel(datetime(2025, 6, 9, 17, tzinfo=LONDON), tick=False):
        sla_sweep()
    return Escalation.objects.for_tenant(tenant).get(case=case)


def reload(case):
    return Case.objects.for_tenant(case.tenant_id).get(pk=case.pk)


def test_supervisors_see_open_escalations_with_level_reason_and_clock(breached, actors):
    page = client_for(actors.tenant_a, actors.supervisor_a).get(QUEUE)

    assert page.status_code == 200
    html = page.content.decode()
    assert breached.case.reference in html
    assert "L1</span> Assignee" in html
    assert "SLA breach" in html
    assert "badge-breached sla-clock" in html
    assert 'Open <span class="tab-count">1</span>' in html


def test_agents_do_not_get_the_escalation_queue(breached, actors):
    assert client_for(actors.tenant_a, actors.agent_a).get(QUEUE).status_code == 404


def test_the_queue_filters_by_team(breached, tenant, actors):
    other_team = TeamFactory(tenant=tenant, name="Returns")
    page = client_for(actors.tenant_a, actors.supervisor_a).get(QUEUE, {"team": other_team.pk})

    assert breached.case.reference not in page.content.decode()


def test_acknowledging_takes_the_escalation_in_hand_on_the_record(breached, actors):
    client = client_for(actors.tenant_a, actors.supervisor_a)

    response = client.post(f"{QUEUE}{breached.pk}/acknowledge/", {"next": f"{QUEUE}?status=open"})

    assert response.status_code == 302 and response.url == f"{QUEUE}?status=open"
    breached.refresh_from_db()
    assert (breached.status, breached.acknowledged_by_id) == (
        EscalationStatus.ACKNOWLEDGED,
        actors.supervisor_a.pk,
    )
    entry = TimelineEntry.objects.for_tenant(breached.tenant_id).get(
        case=breached.case, data__event="escalation.acknowledged"
    )
    assert f"acknowledged by {actors.supervisor_a}" in entry.body
    assert AuditEvent.objects.filter(
        tenant_id=breached.tenant_id, action="escalation.acknowledged", target_id=str(breached.pk)
    ).exists()
    assert breached.case.reference in client.get(QUEUE, {"status": "acknowledged"}).content.decode()


def test_reassigning_gives_the_case_to_someone_else_and_tells_them(breached, tenant, actors):
    colleague = MembershipFactory(tenant=tenant).user

    client_for(actors.tenant_a, actors.supervisor_a).post(
        f"{QUEUE}{breached.pk}/reassign/", {"assignee": colleague.pk}
    )

    assert reload(breached.case).assignee_id == colleague.pk
    breached.refresh_from_db()
    assert breached.status == EscalationStatus.ACKNOWLEDGED
    notice = StaffNotice.objects.for_tenant(tenant).get(user=colleague, kind="reassigned")
    assert breached.case.reference in notice.text


def test_reassigning_to_someone_outside_the_workspace_is_refused(breached, actors):
    response = client_for(actors.tenant_a, actors.supervisor_a).post(
        f"{QUEUE}{breached.pk}/reassign/", {"assignee": actors.staff_b.pk}, follow=True
    )

    assert "Choose someone to give the case to." in response.content.decode()
    assert reload(breached.case).assignee_id == actors.agent_a.pk


def test_de_escalating_lowers_the_case_a_level_and_resolves_the_escalation(breached, actors):
    client = client_for(actors.tenant_a, actors.supervisor_a)

    client.post(f"{QUEUE}{breached.pk}/deescalate/", {"reason": "Customer called back, all fine."})

    assert reload(breached.case).escalation_level == 0
    breached.refresh_from_db()
    assert (breached.status, breached.outcome) == (EscalationStatus.RESOLVED, EscalationOutcome.DEESCALATED)
    entry = (
        TimelineEntry.objects.for_tenant(breached.tenant_id)
        .filter(case=breached.case, kind="escalation")
        .last()
    )
    assert entry.data["trigger"] == "deescalated" and entry.body == "Customer called back, all fine."
    assert breached.case.reference in client.get(QUEUE, {"status": "resolved"}).content.decode()


def test_de_escalating_needs_a_reason(breached, actors):
    response = client_for(actors.tenant_a, actors.supervisor_a).post(
        f"{QUEUE}{breached.pk}/deescalate/", {"reason": ""}, follow=True
    )

    assert "Say why the case is de-escalated." in response.content.decode()
    assert reload(breached.case).escalation_level == 1


def test_a_manual_escalation_is_recorded_and_the_levels_people_are_told(tenant, actors):
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), actors.agent_a, actors.supervisor_a)
    case = open_case(tenant, OPENED, team=team, assignee=actors.agent_a)
    case_escalate(actor=actors.agent_a, case=case, reason="Customer threatens to leave.")
    case_escalate(actor=actors.agent_a, case=reload(case), reason="Still no answer from billing.")

    rows = list(Escalation.objects.for_tenant(tenant).filter(case=case).order_by("level"))
    assert [(row.level, row.reason, row.status) for row in rows] == [
        (1, "manual", EscalationStatus.RESOLVED),
        (2, "manual", EscalationStatus.OPEN),
    ]
    assert rows[1].raised_by_id == actors.agent_a.pk and rows[1].note == "Still no answer from billing."
    assert StaffNotice.objects.for_tenant(tenant).filter(user=actors.supervisor_a, kind="escalation").exists()


def test_staff_see_their_own_notices_and_opening_one_marks_it_read(tenant, actors):
    case = open_case(tenant, OPENED)
    staff_notify(
        tenant=tenant, user_ids=[actors.agent_a.pk], case=case, kind="warning", text="Mind this case."
    )
    staff_notify(
        tenant=tenant, user_ids=[actors.supervisor_a.pk], case=case, kind="warning", text="Not yours."
    )
    client = client_for(actors.tenant_a, actors.agent_a)

    page = client.get("/app/notices/").content.decode()
    assert "Mind this case." in page and "Not yours." not in page
    assert "Notices, 1 unread" in page  # the bell in the top bar

    notice = StaffNotice.objects.for_tenant(tenant).get(user=actors.agent_a)
    response = client.get(f"/app/notices/{notice.pk}/")
    assert response.status_code == 302 and response.url == f"/app/cases/{case.reference}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "Notices, 0 unread" in client.get("/app/notices/bell/").content.decode()


def test_another_persons_notice_is_not_found(tenant, actors):
    staff_notify(tenant=tenant, user_ids=[actors.supervisor_a.pk], case=None, kind="warning", text="Theirs.")
    notice = StaffNotice.objects.for_tenant(tenant).get()

    assert client_for(actors.tenant_a, actors.agent_a).get(f"/app/notices/{notice.pk}/").status_code == 404


def test_mark_all_read(tenant, actors):
    staff_notify(tenant=tenant, user_ids=[actors.agent_a.pk], case=None, kind="warning", text="One.")
    staff_notify(tenant=tenant, user_ids=[actors.agent_a.pk], case=None, kind="breach", text="Two.")

    client_for(actors.tenant_a, actors.agent_a).post("/app/notices/read/")

    assert not StaffNotice.objects.for_tenant(tenant).filter(read_at__isnull=True).exists()


def test_the_case_clock_fragment_counts_in_business_time(tenant, actors):
    case = open_case(tenant, OPENED, source_channel="email")
    client = client_for(actors.tenant_a, actors.agent_a)

    with time_machine.travel(datetime(2025, 6, 9, 10, tzinfo=LONDON), tick=False):
        html = client.get(f"/app/sla/clock/{case.reference}/").content.decode()

    # The acknowledgement (4 business hours) is the most urgent: 3 hours left, ticking until 17:00.
    assert 'class="badge badge-ok sla-clock"' in html
    assert 'data-remaining="10800"' in html and 'data-ticking="25200"' in html
    assert "3h left" in html


def test_the_queue_and_the_case_page_show_the_clock(tenant, actors):
    case = open_case(tenant, OPENED, source_channel="email", assignee=actors.agent_a)
    client = client_for(actors.tenant_a, actors.agent_a)

    with time_machine.travel(datetime(2025, 6, 9, 12, 30, tzinfo=LONDON), tick=False):
        queue = client.get("/app/cases/?view=mine").content.decode()
        detail = client.get(f"/app/cases/{case.reference}/").content.decode()

    assert "badge-warning sla-clock" in queue  # 3½ of 4 hours to acknowledge used
    assert f'id="sla-clock-{case.pk}"' in detail and "30m left" in detail


def test_an_agent_cannot_read_the_clock_of_a_case_they_may_not_see(tenant, actors):
    team = TeamFactory(tenant=tenant, name="Private")
    case = open_case(tenant, OPENED, team=team, assignee=actors.supervisor_a)

    assert (
        client_for(actors.tenant_a, actors.agent_a).get(f"/app/sla/clock/{case.reference}/").status_code
        == 404
    )


def test_admins_set_the_timer_settings(tenant, actors):
    client = client_for(actors.tenant_a, actors.admin_a)
    assert (
        "Close resolved cases without an answer" in client.get("/app/settings/sla/timers/").content.decode()
    )

    response = client.post(
        "/app/settings/sla/timers/",
        {"auto_close_days": "5", "send_status_updates": "on", "status_update_grace": "1h 30m"},
    )

    assert response.status_code == 302
    row = SlaSettings.objects.for_tenant(tenant).get()
    assert (row.auto_close_after, row.send_status_updates, row.status_update_grace, row.warn_by_email) == (
        timedelta(days=5),
        True,
        timedelta(minutes=90),
        False,
    )
    assert AuditEvent.objects.filter(action="sla_settings.updated", tenant=tenant).exists()


def test_a_bad_grace_is_a_form_error(tenant, actors):
    response = client_for(actors.tenant_a, actors.admin_a).post(
        "/app/settings/sla/timers/", {"auto_close_days": "5", "status_update_grace": "soon"}
    )

    assert response.status_code == 200
    assert "Write a time such as 4h" in response.content.decode()
    assert not SlaSettings.objects.for_tenant(tenant).exists()


def test_only_admins_change_timer_settings(tenant, actors):
    assert (
        client_for(actors.tenant_a, actors.supervisor_a).get("/app/settings/sla/timers/").status_code == 404
    )
