"""An admin sets up a team in Chromium: creates it on Settings → Teams and adds a colleague."""

import pytest
from django.conf import settings

from apps.cases.models import Team, TeamMembership
from tests.conftest import live_url
from tests.sla.factories import sla_ready

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def test_an_admin_creates_a_team_and_adds_a_member(actors, live_server, browser_page):
    tenant = sla_ready(actors.tenant_a, templates=False)
    page = browser_page
    page.goto(live_url(live_server, tenant, "/app/login/?next=/app/settings/teams/"))
    page.fill("input[name=email]", actors.admin_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/app/settings/teams/")
    assert page.locator(".tab.active").inner_text() == "Teams"

    page.fill("#new-team input[name=name]", "Refunds")
    page.fill("#new-team input[name=description]", "Money back for returned orders")
    page.click("#new-team button[type=submit]")
    team = Team.objects.for_tenant(tenant).get(name="Refunds")
    page.wait_for_url(f"**/app/settings/teams/{team.pk}/")

    page.select_option("#add-member select[name=user]", str(actors.supervisor_a.pk))
    page.click("#add-member button[type=submit]")
    page.wait_for_selector(f"text={actors.supervisor_a.full_name} is now in “Refunds”.")
    assert TeamMembership.objects.for_tenant(tenant).filter(team=team, user=actors.supervisor_a).exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "team-settings-team.png"), full_page=True)

    page.click(".breadcrumbs a:has-text('Teams')")
    row = page.locator("tr[data-team='Refunds']")
    assert actors.supervisor_a.full_name in row.inner_text()
    assert "Default (Office hours)" in row.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "team-settings-list.png"), full_page=True)


def test_choosing_nobody_shows_the_error_beside_the_select(actors, live_server, browser_page):
    from tests.cases.factories import TeamFactory

    team = TeamFactory(tenant=actors.tenant_a, name="Billing")
    page = browser_page
    page.goto(live_url(live_server, actors.tenant_a, f"/app/login/?next=/app/settings/teams/{team.pk}/"))
    page.fill("input[name=email]", actors.admin_a.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"**/app/settings/teams/{team.pk}/")

    page.click("#add-member button[type=submit]")
    page.wait_for_selector("#add-member .field-error")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "team-settings-member-error.png"), full_page=True)
