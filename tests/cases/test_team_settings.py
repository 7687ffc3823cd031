"""Settings → Teams: admins list, create and edit teams, their members and business calendars.

SLA defaults as in tests/sla/test_team_calendars.py: "Office hours" Monday-Friday 09:00-17:00
Europe/London; an email is acknowledged within 4 business hours.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.audit.models import AuditEvent
from apps.cases.models import Team, TeamMembership
from apps.cases.services import team_add_member
from apps.sla.models import TeamCalendar
from apps.sla.services import calendar_create
from tests.cases.factories import TeamFactory
from tests.conftest import client_for
from tests.sla.factories import open_case, sla_ready, timer_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def admin(actors):
    return client_for(actors.tenant_a, actors.admin_a)


@pytest.fixture
def team(actors):
    return TeamFactory(tenant=actors.tenant_a, name="Refunds", description="Money back")


class TestList:
    def test_the_admin_sees_teams_with_members_calendar_and_open_cases(self, actors, admin, team):
        sla_ready(actors.tenant_a, templates=False)
        team_add_member(actor=None, team=team, user=actors.agent_a)
        team_add_member(actor=None, team=team, user=actors.supervisor_a)
        open_case(actors.tenant_a, datetime(2025, 6, 9, 9, tzinfo=LONDON), team=team)

        response = admin.get("/app/settings/teams/")

        assert response.status_code == 200
        html = response.content.decode()
        row = html[html.index('data-team="Refunds"') :]
        row = row[: row.index("</tr>")]
        assert "Money back" in row
        assert actors.agent_a.full_name in row and actors.supervisor_a.full_name in row
        assert '<span class="badge badge-supervisor">Supervisor</span>' in row
        assert "Default (Office hours)" in row
        assert '<td data-label="Open cases" class="nowrap">1</td>' in row
        assert 'href="/app/settings/teams/"' in html  # the settings tab

    def test_a_team_with_its_own_calendar_shows_its_name(self, actors, admin, team):
        desk = calendar_create(tenant=actors.tenant_a, actor=None, name="New York desk", time_zone="UTC")
        TeamCalendar.objects.create(tenant=actors.tenant_a, team=team, calendar=desk)

        assert "New York desk" in admin.get("/app/settings/teams/").content.decode()


class TestCreate:
    def test_creating_a_team_opens_its_page_and_audits(self, actors, admin):
        response = admin.post("/app/settings/teams/", {"name": " Billing ", "description": "Invoices"})

        team = Team.objects.for_tenant(actors.tenant_a).get(name="Billing")
        assert response.status_code == 302 and response["Location"] == f"/app/settings/teams/{team.pk}/"
        assert team.description == "Invoices"
        assert AuditEvent.objects.filter(tenant=actors.tenant_a, action="team.created").exists()

    def test_a_duplicate_name_in_any_letter_case_is_a_form_error(self, actors, admin, team):
        response = admin.post("/app/settings/teams/", {"name": "REFUNDS"})

        assert response.status_code == 400
        assert "A team with this name exists." in response.content.decode()
        assert Team.objects.for_tenant(actors.tenant_a).count() == 1

    @pytest.mark.parametrize("name", ["", "   "])
    def test_a_blank_name_is_a_form_error(self, actors, admin, name):
        response = admin.post("/app/settings/teams/", {"name": name})

        assert response.status_code == 400
        assert "field-error" in response.content.decode()
        assert not Team.objects.for_tenant(actors.tenant_a).exists()

    def test_the_same_name_in_another_tenant_is_fine(self, actors, admin):
        TeamFactory(tenant=actors.tenant_b, name="Refunds")

        assert admin.post("/app/settings/teams/", {"name": "Refunds"}).status_code == 302


class TestEdit:
    def test_renaming_the_team_audits_the_change(self, actors, admin, team):
        response = admin.post(f"/app/settings/teams/{team.pk}/", {"name": "Returns", "description": ""})

        assert response.status_code == 302
        team.refresh_from_db()
        assert (team.name, team.description) == ("Returns", "")
        event = AuditEvent.objects.get(tenant=actors.tenant_a, action="team.updated")
        assert event.changes == {"name": ["Refunds", "Returns"], "description": ["Money back", ""]}

    def test_renaming_to_another_teams_name_is_a_form_error(self, actors, admin, team):
        TeamFactory(tenant=actors.tenant_a, name="Billing")

        response = admin.post(f"/app/settings/teams/{team.pk}/", {"name": "billing"})

        assert response.status_code == 400
        assert "A team with this name exists." in response.content.decode()
        team.refresh_from_db()
        assert team.name == "Refunds"

    def test_keeping_its_own_name_in_another_letter_case_is_fine(self, admin, team):
        assert admin.post(f"/app/settings/teams/{team.pk}/", {"name": "REFUNDS"}).status_code == 302


class TestMembers:
    def test_adding_and_removing_a_member(self, actors, admin, team):
        response = admin.post(f"/app/settings/teams/{team.pk}/members/", {"user": actors.agent_a.pk})

        assert response.status_code == 302
        assert (
            TeamMembership.objects.for_tenant(actors.tenant_a).filter(team=team, user=actors.agent_a).exists()
        )

        response = admin.post(f"/app/settings/teams/{team.pk}/members/{actors.agent_a.pk}/remove/")

        assert response.status_code == 302
        assert not TeamMembership.objects.for_tenant(actors.tenant_a).filter(team=team).exists()
        actions = set(AuditEvent.objects.filter(tenant=actors.tenant_a).values_list("action", flat=True))
        assert {"team.member_added", "team.member_removed"} <= actions

    def test_the_add_select_offers_only_staff_not_yet_in_the_team(self, actors, admin, team):
        team_add_member(actor=None, team=team, user=actors.agent_a)

        page = admin.get(f"/app/settings/teams/{team.pk}/").content.decode()
        select = page[page.index('name="user"') :]
        select = select[: select.index("</select>")]

        assert f'value="{actors.supervisor_a.pk}"' in select
        assert f'value="{actors.agent_a.pk}"' not in select
        assert f'value="{actors.staff_b.pk}"' not in select

    def test_another_tenants_user_is_a_form_error(self, actors, admin, team):
        response = admin.post(f"/app/settings/teams/{team.pk}/members/", {"user": actors.staff_b.pk})

        assert response.status_code == 400
        assert not TeamMembership.objects.for_tenant(actors.tenant_a).exists()

    @pytest.mark.parametrize("user", ["", "abc", "999999"])
    def test_nonsense_is_a_form_error(self, admin, team, user):
        assert admin.post(f"/app/settings/teams/{team.pk}/members/", {"user": user}).status_code == 400

    def test_removing_someone_not_in_the_team_is_404(self, actors, admin, team):
        assert (
            admin.post(f"/app/settings/teams/{team.pk}/members/{actors.agent_a.pk}/remove/").status_code
            == 404
        )


class TestCalendar:
    def test_setting_the_calendar_recomputes_the_teams_open_cases(
        self, actors, admin, team, eager_tasks, django_capture_on_commit_callbacks
    ):
        tenant = sla_ready(actors.tenant_a, templates=False)
        new_york = calendar_create(
            tenant=tenant, actor=None, name="New York desk", time_zone="America/New_York", country="US"
        )
        case = open_case(tenant, datetime(2025, 6, 9, 9, tzinfo=LONDON), source_channel="email", team=team)
        assert timer_of(case, "acknowledge").due_at == datetime(2025, 6, 9, 13, tzinfo=LONDON)

        with (
            time_machine.travel(datetime(2025, 6, 9, 11, tzinfo=LONDON), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = admin.post(f"/app/settings/teams/{team.pk}/calendar/", {"calendar": new_york.pk})

        assert response.status_code == 302
        assert TeamCalendar.objects.for_tenant(tenant).get(team=team).calendar == new_york
        # 2 h used in London; the 2 h left start when New York opens (14:00 London).
        assert timer_of(case, "acknowledge").due_at == datetime(2025, 6, 9, 16, tzinfo=LONDON)
        event = AuditEvent.objects.get(tenant=tenant, action="team.calendar_set")
        assert event.changes == {"calendar_id": [None, new_york.pk]}

    def test_choosing_the_default_removes_the_teams_calendar(self, actors, admin, team):
        desk = calendar_create(tenant=actors.tenant_a, actor=None, name="Desk", time_zone="UTC")
        TeamCalendar.objects.create(tenant=actors.tenant_a, team=team, calendar=desk)

        assert admin.post(f"/app/settings/teams/{team.pk}/calendar/", {"calendar": ""}).status_code == 302
        assert not TeamCalendar.objects.for_tenant(actors.tenant_a).exists()

    def test_another_tenants_calendar_is_a_form_error(self, actors, admin, team):
        theirs = calendar_create(tenant=actors.tenant_b, actor=None, name="Theirs", time_zone="UTC")

        response = admin.post(f"/app/settings/teams/{team.pk}/calendar/", {"calendar": theirs.pk})

        assert response.status_code == 400
        assert not TeamCalendar.objects.for_tenant(actors.tenant_a).exists()


class TestDelete:
    def test_a_team_without_open_cases_is_deleted_and_audited(self, actors, admin, team):
        response = admin.post(f"/app/settings/teams/{team.pk}/delete/")

        assert response.status_code == 302 and response["Location"] == "/app/settings/teams/"
        assert not Team.objects.for_tenant(actors.tenant_a).exists()
        assert AuditEvent.objects.filter(tenant=actors.tenant_a, action="team.deleted").exists()

    def test_a_team_with_open_cases_is_kept(self, actors, admin, team):
        sla_ready(actors.tenant_a, templates=False)
        open_case(actors.tenant_a, datetime(2025, 6, 9, 9, tzinfo=LONDON), team=team)

        response = admin.post(f"/app/settings/teams/{team.pk}/delete/", follow=True)

        assert "The team has open cases" in response.content.decode()
        assert Team.objects.for_tenant(actors.tenant_a).filter(pk=team.pk).exists()


class TestAccess:
    @pytest.mark.parametrize("who", ["agent_a", "supervisor_a"])
    def test_agents_and_supervisors_get_404(self, actors, team, who):
        client = client_for(actors.tenant_a, getattr(actors, who))

        assert client.get("/app/settings/teams/").status_code == 404
        assert client.get(f"/app/settings/teams/{team.pk}/").status_code == 404
        assert client.post("/app/settings/teams/", {"name": "Sneaky"}).status_code == 404

    def test_signed_out_visitors_go_to_sign_in(self, actors):
        response = client_for(actors.tenant_a).get("/app/settings/teams/")

        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_another_tenants_team_is_404(self, actors, admin):
        theirs = TeamFactory(tenant=actors.tenant_b, name="Theirs")

        for method, path in [
            ("get", f"/app/settings/teams/{theirs.pk}/"),
            ("post", f"/app/settings/teams/{theirs.pk}/"),
            ("post", f"/app/settings/teams/{theirs.pk}/members/"),
            ("post", f"/app/settings/teams/{theirs.pk}/calendar/"),
            ("post", f"/app/settings/teams/{theirs.pk}/delete/"),
        ]:
            assert getattr(admin, method)(path, {"name": "x"}).status_code == 404, path
        assert Team.objects.for_tenant(actors.tenant_b).get().name == "Theirs"
