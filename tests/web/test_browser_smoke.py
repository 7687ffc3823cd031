"""A real browser (Debian's Chromium through Playwright) signs in on a tenant's host."""

import pytest
from django.conf import settings

from tests.conftest import live_url

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def test_agent_signs_in_on_the_tenant_host_and_lands_on_the_staff_app(actors, live_server, browser_page):
    page = browser_page
    page.goto(live_url(live_server, actors.tenant_a, "/app/login/"))

    page.fill("input[name=email]", actors.agent_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_url(live_server, actors.tenant_a, "/app/"))

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "browser-smoke-signed-in.png"), full_page=True)
    # /app/ admits only signed-in staff of this host's tenant, so arriving there proves the sign-in.
    assert actors.tenant_a.public_name in page.title()
