"""In a real browser, captured email HTML renders inside the sandbox and its scripts never run."""

import pytest
from django.conf import settings

from tests.conftest import live_url
from tests.notifications.factories import DevOutboxMessageFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def test_email_html_renders_sandboxed_without_running_its_script(actors, live_server, browser_page):
    message = DevOutboxMessageFactory(
        tenant=actors.tenant_a,
        subject="Your order shipped",
        html="<h1>Shipped!</h1><script>parent.document.title = 'owned'; alert('owned')</script>",
        text="Shipped!",
    )
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_url(live_server, actors.tenant_a, "/app/login/"))
    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_url(live_server, actors.tenant_a, "/app/"))

    page.goto(live_url(live_server, actors.tenant_a, "/app/dev-outbox/"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dev-outbox-list.png"), full_page=True)
    page.click("text=Your order shipped")
    page.wait_for_url(live_url(live_server, actors.tenant_a, f"/app/dev-outbox/{message.pk}/"))
    frame = page.frame_locator("iframe.email-frame")

    assert frame.locator("h1").inner_text() == "Shipped!"
    assert dialogs == []
    assert "owned" not in page.title()
    page.screenshot(path=str(SCREENSHOTS / "dev-outbox-email.png"), full_page=True)
