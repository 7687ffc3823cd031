"""A customer's journey through the portal on a phone, in a real browser (Debian's Chromium).

Sign in with the code from the dev outbox, see the cases, open one and reply, then confirm a
solved case and rate it. Screenshots go to var/screenshots/portal-*.png.
"""

import re

import pytest
from django.conf import settings

from apps.cases.models import CaseStatus
from apps.cases.services import case_reply, case_transition
from apps.feedback.models import CsatResponse
from apps.notifications.models import DevOutboxMessage
from tests.cases.factories import CaseFactory
from tests.conftest import live_url

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium_browser):
    context = chromium_browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


UNLABELLED_CONTROLS = """() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter(el =>
        !((el.labels && el.labels.length) || el.getAttribute('aria-label') || el.textContent.trim()))
    .map(el => el.outerHTML.slice(0, 120))"""


def shot(page, name: str) -> None:
    """Screenshot the page, after checking what every page must have: a label on every control,
    one h1, a main landmark, and nothing wider than the phone."""
    assert page.evaluate(UNLABELLED_CONTROLS) == [], f"unlabelled controls on {name}"
    assert page.locator("h1").count() == 1 and page.locator("main#main").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{name} scrolls sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


def test_a_customer_signs_in_replies_confirms_and_rates_on_a_phone(
    world, live_server, phone, eager_tasks, settings
):
    settings.DEV_OUTBOX = True  # the code lands in the dev outbox, as in development
    agent = world.actors.agent_a
    waiting = CaseFactory(customer=world.customer, subject="Change of delivery address")
    waiting = case_transition(actor=agent, case=waiting, to_status=CaseStatus.IN_PROGRESS)
    case_reply(actor=agent, case=waiting, body="Could you send us the new address?", channel="portal")
    case_transition(actor=agent, case=waiting, to_status=CaseStatus.PENDING_CUSTOMER)
    solved = CaseFactory(customer=world.customer, subject="Lamp arrived with a cracked shade")
    solved = case_transition(actor=agent, case=solved, to_status=CaseStatus.IN_PROGRESS)
    case_reply(actor=agent, case=solved, body="A new shade was delivered today. All good?", channel="portal")
    case_transition(actor=agent, case=solved, to_status=CaseStatus.RESOLVED)
    page = phone

    page.goto(live_url(live_server, world.tenant_a, "/portal/"))
    page.wait_for_url(re.compile(r"/portal/sign-in/"))
    shot(page, "sign-in")
    page.get_by_label("Email address or mobile number").fill("emma@example.test")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(re.compile(r"/portal/sign-in/code/$"))
    shot(page, "code")

    email = DevOutboxMessage.objects.for_tenant(world.tenant_a).get(channel="email")
    code = re.search(r"\b(\d{6})\b", email.text).group(1)
    page.get_by_label("Your 6-digit code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(live_url(live_server, world.tenant_a, "/portal/"))
    assert page.get_by_role("heading", name="Hello, Emma").is_visible()
    assert page.get_by_text("Needs your attention").is_visible()
    shot(page, "home")

    page.get_by_role("navigation").get_by_role("link", name="My requests").click()
    page.get_by_role("link", name="Change of delivery address").click()
    assert page.get_by_text("Could you send us the new address?").is_visible()
    page.get_by_label("Your message").fill("It is 12 Elm Street, Bristol BS1 4DJ.")
    shot(page, "case")
    page.get_by_role("button", name="Send message").click()
    assert page.get_by_text("Your message has been added").is_visible()
    assert page.get_by_text("It is 12 Elm Street").is_visible()
    shot(page, "replied")

    page.get_by_role("navigation").get_by_role("link", name="My requests").click()
    page.get_by_role("link", name="Lamp arrived with a cracked shade").click()
    assert page.get_by_role("heading", name="Is this solved for you?").is_visible()
    shot(page, "confirm")
    page.get_by_role("button", name="Yes, it is solved").click()
    assert page.get_by_text(f"We have closed {solved.reference}").is_visible()
    page.get_by_role("radio", name="Good").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Quick and friendly.")
    page.get_by_role("button", name="Send my rating").click()
    assert page.get_by_text("Thank you for your feedback!").is_visible()
    shot(page, "rated")

    solved.refresh_from_db()
    waiting.refresh_from_db()
    assert solved.status == CaseStatus.CLOSED
    assert waiting.status == CaseStatus.IN_PROGRESS  # the reply took it back to work
    rating = CsatResponse.objects.for_tenant(world.tenant_a).get(case=solved)
    assert (rating.rating, rating.comment) == (4, "Quick and friendly.")
