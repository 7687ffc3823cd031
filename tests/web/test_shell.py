"""The staff frame: navigation registry, branding, home page, error pages, times in the viewer's zone."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from apps.tenants.models import Role
from apps.web import navigation
from apps.web.context_processors import _ink_on
from apps.web.navigation import NavEntry, links_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_navigation_skips_entries_whose_page_does_not_exist(actors):
    entries = [NavEntry("Overview", "web:home"), NavEntry("Not built yet", "nowhere:list")]

    links = links_for(entries, membership=actors.admin_a.memberships.get(), path="/app/")

    assert [link.label for link in links] == ["Overview"]


def test_navigation_hides_entries_above_the_members_role(actors):
    entries = [NavEntry("Overview", "web:home"), NavEntry("Settings", "web:settings", Role.ADMIN)]

    agent = links_for(entries, membership=actors.agent_a.memberships.get(), path="/app/")
    admin = links_for(entries, membership=actors.admin_a.memberships.get(), path="/app/")

    assert [link.label for link in agent] == ["Overview"]
    assert [link.label for link in admin] == ["Overview", "Settings"]


def test_the_deepest_matching_entry_is_active(actors):
    membership = actors.admin_a.memberships.get()

    links = links_for(navigation.SETTINGS_TABS, membership=membership, path="/app/settings/members/")
    home = links_for(navigation.NAVIGATION, membership=membership, path="/app/settings/api-keys/")

    assert [link.label for link in links if link.active] == ["Members"]
    assert [link.label for link in home if link.active] == ["Settings"]


def test_nobody_signed_in_gets_no_navigation():
    assert links_for(navigation.NAVIGATION, membership=None, path="/app/") == []


def test_an_app_adds_a_page_to_the_navigation_with_one_entry(actors, monkeypatch):
    monkeypatch.setattr(navigation, "NAVIGATION", [*navigation.NAVIGATION, NavEntry("API docs", "api:docs")])

    page = client_for(actors.tenant_a, actors.agent_a).get("/app/").content.decode()

    assert 'href="/api/v1/docs/"' in page


def test_the_frame_shows_tenant_branding_user_role_and_sign_out(actors):
    tenant = actors.tenant_a
    tenant.display_name, tenant.brand_colour = "Alpha Care", "#facc15"
    tenant.save()

    page = client_for(tenant, actors.supervisor_a).get("/app/").content.decode()

    assert "--brand: #facc15; --brand-ink: #111827;" in page
    assert '<span class="brand-name">Alpha Care</span>' in page
    assert actors.supervisor_a.full_name in page
    assert '<span class="pill">Supervisor</span>' in page
    assert 'action="/app/logout/"' in page
    assert 'href="#main"' in page  # skip link
    assert "/static/js/app.js" in page and "/static/css/app.css" in page
    assert "htmx" in page


def test_the_home_page_greets_the_member_and_links_onward(actors):
    page = client_for(actors.tenant_a, actors.admin_a).get("/app/").content.decode()

    assert f"Hello, {actors.admin_a.get_short_name()}" in page
    assert "signed in to Alpha Ltd as admin" in page
    assert 'class="card" href="/app/settings/"' in page


def test_the_root_of_a_tenant_host_leads_to_the_app(actors):
    assert client_for(actors.tenant_a).get("/")["Location"] == "/app/"


def test_an_unknown_page_gets_the_finished_404_page(actors):
    response = client_for(actors.tenant_a, actors.agent_a).get("/app/no-such-page/")

    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_an_unknown_host_gets_a_finished_page_naming_the_host(client):
    response = client.get("/app/login/", HTTP_HOST="nobody.localhost")

    page = response.content.decode()
    assert response.status_code == 404
    assert "No Tidings workspace at nobody.localhost" in page
    assert "/static/css/app.css" in page


def test_times_are_shown_in_the_viewers_time_zone():
    moment = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)
    template = Template('{% load ui %}{{ moment|when }}|{{ moment|when:"relative" }}')

    with timezone.override("America/New_York"):
        rendered = template.render(Context({"moment": moment}))

    assert '<time datetime="2026-01-15T12:30:00+00:00"' in rendered
    assert ">15 Jan 2026, 07:30</time>" in rendered
    assert "data-relative" in rendered.split("|")[1]


def test_the_viewers_own_time_zone_wins_over_the_tenants(actors):
    actors.agent_a.time_zone = "Asia/Tokyo"
    actors.agent_a.save()

    page = client_for(actors.tenant_a, actors.agent_a).get("/app/").content.decode()

    assert "Times are shown in Asia/Tokyo" in page


@pytest.mark.parametrize(
    ("colour", "ink"),
    [("#2563eb", "#ffffff"), ("#0f766e", "#ffffff"), ("#facc15", "#111827"), ("#ffffff", "#111827")],
)
def test_text_on_the_brand_colour_is_whichever_of_black_or_white_reads_better(colour, ink):
    assert _ink_on(colour) == ink
