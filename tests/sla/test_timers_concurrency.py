"""Sweepers running side by side (real threads, real transactions) never act twice on one timer."""

import threading
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from apps.cases.models import Case
from apps.sla.models import Escalation, SlaTimer, StaffNotice, TimerKind
from apps.sla.sweeper import sla_sweep
from tests.cases.factories import TeamFactory, add_to_team
from tests.factories import MembershipFactory, TenantFactory
from tests.sla.factories import open_case, sla_ready

LONDON = ZoneInfo("Europe/London")
OPENED = datetime(2025, 6, 9, 9, tzinfo=LONDON)
BREACHED = datetime(2025, 6, 9, 17, 30, tzinfo=LONDON)  # first responses (8 business hours) missed
CASES = 12
SWEEPERS = 4


@pytest.fixture
def no_task_queue(monkeypatch):
    """On commit the handlers enqueue tasks (immediate acknowledgement, staff emails); here the
    sweepers under test do that work, so nothing is sent to the broker."""
    from apps.sla import tasks

    monkeypatch.setattr(tasks.sla_fire_timer, "delay", lambda **kwargs: None)
    monkeypatch.setattr(tasks.send_staff_notice_email, "delay", lambda **kwargs: None)
    monkeypatch.setattr("apps.notifications.outbox.enqueue.dispatch_soon", lambda *args, **kwargs: None)


@pytest.mark.django_db(transaction=True)
def test_parallel_sweepers_escalate_each_breached_case_exactly_once(no_task_queue):
    tenant = sla_ready(TenantFactory(slug="alpha"))
    agent = MembershipFactory(tenant=tenant).user
    team = add_to_team(TeamFactory(tenant=tenant, name="Billing"), agent)
    cases = [
        open_case(tenant, OPENED, source_channel="email", team=team, assignee=agent) for _ in range(CASES)
    ]

    outcomes, errors = [], []

    def sweeper(barrier):
        try:
            barrier.wait()
            outcomes.append(sla_sweep(batch_size=5))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # Two rounds: the second (past the retry delay of a case another sweeper had locked) mops up.
    for moment in (BREACHED, BREACHED + timedelta(seconds=70)):
        barrier = threading.Barrier(SWEEPERS)
        with time_machine.travel(moment, tick=False):
            threads = [threading.Thread(target=sweeper, args=(barrier,)) for _ in range(SWEEPERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    assert errors == []
    levels = (
        Case.objects.for_tenant(tenant)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("escalation_level", flat=True)
    )
    assert list(levels) == [1] * CASES
    breach_rows = Escalation.objects.for_tenant(tenant).filter(timer__kind=TimerKind.FIRST_RESPONSE)
    assert breach_rows.count() == CASES
    assert StaffNotice.objects.for_tenant(tenant).filter(kind="warning").count() == CASES
    assert StaffNotice.objects.for_tenant(tenant).filter(kind="breach").count() == CASES
    done = sum((result.outcomes for result in outcomes), Counter())
    # Each case once: its acknowledgement, its first response warned and breached in one go (the
    # sweep came after both moments), and its new customer's welcome.
    assert {outcome: n for outcome, n in done.items() if outcome not in ("busy", "not due")} == {
        "acknowledged": CASES,
        "warned, escalated to level 1": CASES,
        "welcome sent": CASES,
    }
    assert not SlaTimer.objects.for_tenant(tenant).filter(kind="first_response", escalations__gt=1).exists()
