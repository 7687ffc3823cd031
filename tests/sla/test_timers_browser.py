"""An agent watches a case's SLA clock run out in Chromium: it counts down and turns red, no reload.

The live server runs on real time, so the case's acknowledgement clock (24 calendar hours, for a
phoned-in case) is moved in the database to a few seconds before its end: enough for the page to
load on a busy machine before the clock runs out.
"""

from datetime import timedelta

import pytest
from django.conf import settings

from apps.common.clock import now
from apps.sla.models import SlaTimer, TimerKind
from apps.sla.timers import timer_schedule
from tests.cases.factories import CaseFactory
from tests.conftest import live_url
from tests.sla.factories import sla_ready

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


SECONDS_LEFT = 10


def _seconds_left(case) -> None:
    timer = SlaTimer.objects.for_tenant(case.tenant_id).get(case=case, kind=TimerKind.ACKNOWLEDGE)
    timer.started_at = now() - timer.duration + timedelta(seconds=SECONDS_LEFT)
    timer.automatic_attempted_at = now()  # no approved template was found: the clock runs on
    timer_schedule(timer, grace=timedelta(0))
    timer.save()


def test_an_agent_sees_a_breaching_case_turn_red_on_the_queue_and_the_case_page(
    actors, live_server, browser_page
):
    tenant = sla_ready(actors.tenant_a, templates=False)
    case = CaseFactory(
        customer__tenant=tenant, subject="Fridge still warm", source_channel="phone", assignee=actors.agent_a
    )
    page = browser_page
    page.goto(live_url(live_server, tenant, "/app/login/?next=/app/cases/"))
    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/app/cases/")

    _seconds_left(case)
    page.reload()
    clock = page.locator(f"tr[data-reference='{case.reference}'] [data-sla-clock]")
    assert "badge-warning" in clock.get_attribute("class")
    assert clock.inner_text().endswith("left")

    page.wait_for_function(
        "el => el.classList.contains('badge-breached')", arg=clock.element_handle(), timeout=30_000
    )
    assert "overdue" in clock.inner_text()
    red = clock.evaluate("el => getComputedStyle(el).color")
    assert red == "rgb(180, 35, 35)"  # --danger
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sla-clock-queue-breached.png"), full_page=True)

    page.goto(live_url(live_server, tenant, f"/app/cases/{case.reference}/"))
    header_clock = page.locator(f"#sla-clock-{case.pk}")
    assert "badge-breached" in header_clock.get_attribute("class")
    page.screenshot(path=str(SCREENSHOTS / "sla-clock-case-breached.png"), full_page=True)


def test_a_supervisor_takes_an_escalation_in_hand_from_the_queue(actors, live_server, browser_page):
    from apps.cases.services import case_escalate

    tenant = sla_ready(actors.tenant_a, templates=False)
    case = CaseFactory(customer__tenant=tenant, subject="Refund never arrived", assignee=actors.agent_a)
    case = case_escalate(actor=actors.agent_a, case=case, reason="The customer is upset.")
    case_escalate(actor=actors.agent_a, case=case, reason="Third time the customer calls about this.")
    page = browser_page
    page.goto(live_url(live_server, tenant, "/app/login/?next=/app/escalations/"))
    page.fill("input[name=email]", actors.supervisor_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/app/escalations/")
    assert "Notices, 1 unread" in page.inner_html("#notice-bell")  # level 2: the supervisors
    row = page.locator(f"tr:has-text('{case.reference}')")
    assert "Third time the customer calls about this." in row.inner_text()
    row.locator("summary:has-text('Reassign or de-escalate')").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sla-escalations-open.png"), full_page=True)

    row.locator("button:has-text('Acknowledge')").click()
    page.wait_for_selector(f"text=You took {case.reference} in hand.")
    page.click("a.tab:has-text('Acknowledged')")
    assert case.reference in page.locator("table").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "sla-escalations-acknowledged.png"), full_page=True)

    page.click("#notice-bell")
    page.wait_for_url("**/app/notices/")
    page.screenshot(path=str(SCREENSHOTS / "sla-notices.png"), full_page=True)
