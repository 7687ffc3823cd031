"""An agent's day in a real browser (Debian's Chromium through Playwright): sign in, open the queue,
search, open a case with the keyboard, reply, add an internal note, resolve. Screenshots of every
step go to var/screenshots/."""

import pytest
from django.conf import settings

from apps.cases.models import CaseStatus, EntryKind, TimelineEntry
from apps.cases.selectors import TENANT_WIDE, case_by_reference
from apps.cases.services import case_assign, case_customer_message
from tests.cases.factories import CaseFactory
from tests.conftest import live_url
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"agent-flow-{name}.png"), full_page=True)


def test_agent_searches_opens_replies_notes_and_resolves_a_case(actors, live_server, browser_page):
    tenant = actors.tenant_a
    customer = CustomerFactory(tenant=tenant, name="Wilhelmina Fairweather", consents={"email": True})
    case = CaseFactory(customer=customer, subject="Parcel left in the rain")
    case = case_assign(actor=None, case=case, assignee=actors.agent_a)
    case_customer_message(case=case, body="The box was soaked through.", channel="email")
    for index in range(3):
        CaseFactory(customer__tenant=tenant, subject=f"Other question {index}")
    page = browser_page

    page.goto(live_url(live_server, tenant, "/app/login/?next=/app/cases/"))
    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/app/cases/")
    assert page.locator("tr[data-reference]").count() == 1  # "My open cases"
    shot(page, "1-queue")

    page.click("a.tab:has-text('All open')")
    page.wait_for_selector("tr[data-reference] >> nth=3")
    page.keyboard.press("/")
    page.keyboard.type("fairweather")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=fairweather**")
    assert page.locator("tr[data-reference]").count() == 1
    shot(page, "2-search")

    page.keyboard.press("j")
    assert page.locator("tr.is-selected").get_attribute("data-reference") == case.reference
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/app/cases/{case.reference}/")
    assert page.locator("h1").inner_text() == "Parcel left in the rain"
    shot(page, "3-case")

    page.keyboard.press("r")
    page.keyboard.type("Sorry about that! A replacement is on its way.")
    page.click("#composer-reply button[type=submit]")
    page.wait_for_selector(".timeline-item.outbound:has-text('A replacement is on its way.')")
    assert page.locator("#reply-body").input_value() == ""
    assert "Reply queued for sending by Email." in page.locator("#case-alerts").inner_text()

    page.keyboard.press("n")
    page.keyboard.type("Replacement ordered under W-2001.")
    page.click("#composer-note button[type=submit]")
    note = page.locator(".timeline-item.note:has-text('Replacement ordered under W-2001.')")
    note.wait_for()
    assert "Internal" in note.inner_text()
    shot(page, "4-replied-and-noted")

    page.select_option("#prop-status", "resolved")
    page.click("#case-properties form:has(#prop-status) button[type=submit]")
    page.wait_for_selector("#case-header .badge-resolved")
    shot(page, "5-resolved")

    stored = case_by_reference(tenant=tenant, membership=TENANT_WIDE, reference=case.reference)
    assert stored.status == CaseStatus.RESOLVED
    kinds = set(
        TimelineEntry.objects.for_tenant(tenant).filter(case_id=case.pk).values_list("kind", flat=True)
    )
    assert {EntryKind.MESSAGE_OUT, EntryKind.NOTE, EntryKind.STATUS_CHANGE} <= kinds


def test_a_stale_reply_in_the_browser_keeps_the_text_and_shows_the_conflict(
    actors, live_server, browser_page
):
    from apps.cases.services import case_add_note

    case = CaseFactory(customer__tenant=actors.tenant_a, subject="Two agents at once")
    page = browser_page
    page.goto(live_url(live_server, actors.tenant_a, f"/app/login/?next=/app/cases/{case.reference}/"))
    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"**/app/cases/{case.reference}/")

    page.fill("#reply-body", "A long, careful answer")
    case_add_note(actor=actors.supervisor_a, case=case, body="Supervisor got there first")
    page.click("#composer-reply button[type=submit]")
    page.wait_for_selector(".conflict")
    assert "Someone else changed this case" in page.locator("#case-alerts").inner_text()
    assert page.locator("#reply-body").input_value() == "A long, careful answer"
    assert page.locator(".timeline-item:has-text('Supervisor got there first')").count() == 1
    shot(page, "6-conflict")

    page.click("#composer-reply button[type=submit]")  # now at the current version: goes through
    page.wait_for_selector(".timeline-item.outbound:has-text('A long, careful answer')")


def test_the_queue_refreshes_in_place_and_keeps_the_selection(actors, live_server, browser_page):
    first = CaseFactory(customer__tenant=actors.tenant_a, subject="Older case")
    page = browser_page
    page.goto(live_url(live_server, actors.tenant_a, "/app/login/?next=/app/cases/%3Fview%3Dall"))
    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/app/cases/?view=all")
    page.keyboard.press("j")
    assert page.locator("tr.is-selected").get_attribute("data-reference") == first.reference
    trigger = page.locator("#queue-rows").get_attribute("hx-trigger")
    assert trigger == "every 20s [document.visibilityState === 'visible']"

    newer = CaseFactory(customer__tenant=actors.tenant_a, subject="Arrived meanwhile")
    # What the 20-second poll does, without waiting 20 seconds.
    page.evaluate(
        "htmx.ajax('GET', location.pathname + location.search, {target: '#queue-rows', swap: 'outerHTML'})"
    )
    page.wait_for_selector(f"tr[data-reference='{newer.reference}']")
    assert page.locator("tr.is-selected").get_attribute("data-reference") == first.reference
    assert page.url.endswith("/app/cases/?view=all")  # filters and place kept
