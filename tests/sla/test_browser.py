"""A tenant admin edits an SLA policy in Chromium and watches the due-time preview follow."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from apps.sla.models import SlaPolicy
from apps.sla.services import sla_install_defaults
from tests.conftest import live_url

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
FRIDAY_1630_LONDON = datetime(2025, 5, 2, 15, 30, tzinfo=UTC)  # before the May bank holiday


def test_admin_sees_the_preview_move_as_the_acknowledgement_target_changes(actors, live_server, browser_page):
    tenant = actors.tenant_a
    sla_install_defaults(tenant=tenant)
    email = SlaPolicy.objects.for_tenant(tenant).get(name="Email")
    page = browser_page
    with time_machine.travel(FRIDAY_1630_LONDON, tick=False):
        page.goto(live_url(live_server, tenant, "/app/login/"))
        page.fill("input[name=email]", actors.admin_a.email)
        page.fill("input[name=password]", "correct horse battery")
        page.press("input[name=password]", "Enter")
        page.wait_for_url(live_url(live_server, tenant, "/app/"))

        page.goto(live_url(live_server, tenant, f"/app/settings/sla/policies/{email.pk}/"))
        preview = page.locator("#policy-preview")
        assert "Due 6 May 2025, 12:30" in preview.inner_text()

        page.fill("#id_acknowledge_duration", "1h")
        page.wait_for_function(
            "document.querySelector('#policy-preview').innerText.includes('Due 6 May 2025, 09:30')"
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "sla-policy-preview.png"), full_page=True)

        page.click("button:has-text('Save policy')")
        page.wait_for_url(live_url(live_server, tenant, "/app/settings/sla/"))
        assert "Acknowledge within 1 business hour" in page.locator("table").inner_text()
