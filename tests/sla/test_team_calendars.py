"""Team calendars: a team works to its own business calendar, and its cases' clocks follow it.

Which calendar a case counts in: the calendar of a matching policy that names one; else its team's;
else the tenant's default. Defaults as in test_timers_lifecycle.py: "Office hours" Monday-Friday
09:00-17:00 Europe/London (holidays of England); email acknowledged within 4 business hours, first
response within 1 business day, normal cases resolved within 5 business days. The "New York desk"
calendar below keeps 09:00-17:00 in America/New_York, five hours behind London in June.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.cases.models import TimelineEntry
from apps.cases.services import case_change_team
from apps.portal.selectors import expected_resolutions
from apps.sla.models import BusinessCalendar, SlaTimer, TeamCalendar
from apps.sla.policies import combine_policies
from apps.sla.recompute import timers_recompute_for_tenant
from apps.sla.selectors import default_calendar, policies_of_tenant, policy_for
from apps.sla.services import calendar_create, calendar_delete, calendar_teams_set, policy_create
from apps.sla.tasks import sla_recompute_tenant
from tests.cases.factories import TeamFactory
from tests.conftest import client_for
from tests.sla.factories import open_case, sla_ready, timer_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def london(day, hour, minute=0):
    """A June 2025 day in London time (Monday 9 June is a plain working day on both sides)."""
    from datetime import datetime

    return datetime(2025, 6, day, hour, minute, tzinfo=LONDON)


def due(case, kind):
    return timer_of(case, kind).due_at.astimezone(LONDON)


@pytest.fixture
def tenant(actors):
    return sla_ready(actors.tenant_a)


@pytest.fixture
def new_york(tenant) -> BusinessCalendar:
    return calendar_create(
        tenant=tenant, actor=None, name="New York desk", time_zone="America/New_York", country="US"
    )


@pytest.fixture
def us_team(tenant, new_york):
    team = TeamFactory(tenant=tenant, name="US support")
    calendar_teams_set(tenant=tenant, actor=None, calendar=new_york, team_ids=[team.pk])
    return team


class TestPrecedence:
    def test_without_a_team_calendar_the_default_applies(self, tenant):
        team = TeamFactory(tenant=tenant)
        assert policy_for(tenant=tenant, channel="email", team_id=team.pk).calendar_id is None

    def test_the_team_calendar_applies_when_no_policy_names_one(self, tenant, us_team, new_york):
        assert policy_for(tenant=tenant, channel="email", team_id=us_team.pk).calendar_id == new_york.pk
        assert policy_for(tenant=tenant, channel="email").calendar_id is None

    def test_a_policy_calendar_wins_over_the_team_calendar(self, tenant, us_team):
        sydney = calendar_create(tenant=tenant, actor=None, name="Sydney", time_zone="Australia/Sydney")
        policy_create(
            tenant=tenant, actor=None, name="Chat", position=1, match_channel="chat", calendar=sydney
        )

        assert policy_for(tenant=tenant, channel="chat", team_id=us_team.pk).calendar_id == sydney.pk

    def test_combine_policies_takes_the_team_calendar_only_as_the_fallback(self, tenant):
        policies = list(policies_of_tenant(tenant=tenant))
        assert (
            combine_policies(policies, kind="", priority="", channel="", team_calendar_id=7).calendar_id == 7
        )


class TestClocks:
    def test_an_email_to_the_new_york_team_is_due_in_new_york_hours(self, tenant, us_team):
        # Monday 16:00 in London is 11:00 in New York: London would close in an hour, New York in six.
        case = open_case(tenant, london(9, 16), source_channel="email", team=us_team)

        assert timer_of(case, "acknowledge").calendar_id == us_team.sla_calendar.calendar_id
        assert due(case, "acknowledge") == london(9, 20)  # 15:00 in New York
        assert due(case, "first_response") == london(10, 16)  # Tue 11:00 NY: 6 h Monday, 2 h Tuesday
        assert due(case, "resolve") == london(16, 16)  # 40 business hours later, Mon 16 Jun 11:00 NY

    def test_the_portal_estimate_of_a_case_without_clocks_uses_the_team_calendar(self, tenant, us_team):
        # Monday 10:00 in London is 05:00 in New York: the clock starts when New York opens.
        case = open_case(tenant, london(9, 10), source_channel="email", team=us_team)
        SlaTimer.objects.for_tenant(tenant).filter(case=case).delete()  # opened before the SLA engine

        with time_machine.travel(london(9, 11), tick=False):
            estimates = expected_resolutions(tenant=tenant, customer=case.customer, cases=[case])

        assert estimates == {case.pk: london(13, 22)}  # Friday 17:00 NY; London hours: Mon 16 Jun 10:00

    def test_the_same_email_to_a_team_without_a_calendar_counts_in_london(self, tenant):
        case = open_case(tenant, london(9, 16), source_channel="email", team=TeamFactory(tenant=tenant))

        assert due(case, "acknowledge") == london(10, 12)  # 1 h Monday, 3 h Tuesday

    def test_moving_the_case_to_the_new_york_team_recomputes_keeping_the_time_used(
        self, tenant, actors, us_team
    ):
        case = open_case(tenant, london(9, 9), source_channel="email", team=TeamFactory(tenant=tenant))
        assert due(case, "acknowledge") == london(9, 13)

        with time_machine.travel(london(9, 11), tick=False):
            case_change_team(actor=actors.agent_a, case=case, team=us_team)

        acknowledge = timer_of(case, "acknowledge")
        assert acknowledge.consumed == timedelta(hours=2)  # 09:00-11:00 in London stays used
        assert due(case, "acknowledge") == london(9, 16)  # 2 h left from New York's 09:00 (14:00 London)
        # 38 h left of 40: Mon-Thu 32 h, Fri 6 h → Fri 15:00 in New York.
        assert due(case, "resolve") == london(13, 20)
        entry = TimelineEntry.objects.for_tenant(tenant).get(case=case, data__event="sla.timers_recomputed")
        assert "team changed" in entry.body

    def test_moving_between_teams_on_the_same_calendar_changes_nothing(self, tenant, actors):
        case = open_case(tenant, london(9, 9), source_channel="email", team=TeamFactory(tenant=tenant))

        with time_machine.travel(london(9, 11), tick=False):
            case_change_team(actor=actors.agent_a, case=case, team=TeamFactory(tenant=tenant))

        assert due(case, "acknowledge") == london(9, 13)
        assert not TimelineEntry.objects.for_tenant(tenant).filter(
            case=case, data__event="sla.timers_recomputed"
        )


class TestAssignment:
    def test_setting_teams_audits_and_schedules_a_recompute(
        self, tenant, actors, new_york, django_capture_on_commit_callbacks
    ):
        team = TeamFactory(tenant=tenant)
        with django_capture_on_commit_callbacks() as callbacks:
            calendar_teams_set(tenant=tenant, actor=actors.admin_a, calendar=new_york, team_ids=[team.pk])

        assert callbacks  # the recompute task, after commit
        event = AuditEvent.objects.get(tenant=tenant, action="sla_calendar.teams_set")
        assert event.changes == {"team_ids": [[], [team.pk]]}

    def test_a_team_moves_from_its_old_calendar_and_unchosen_teams_go_back_to_the_default(
        self, tenant, new_york, us_team
    ):
        chicago = calendar_create(tenant=tenant, actor=None, name="Chicago", time_zone="America/Chicago")
        calendar_teams_set(tenant=tenant, actor=None, calendar=chicago, team_ids=[us_team.pk])
        assert TeamCalendar.objects.for_tenant(tenant).get(team=us_team).calendar == chicago

        calendar_teams_set(tenant=tenant, actor=None, calendar=chicago, team_ids=[])
        assert not TeamCalendar.objects.for_tenant(tenant).exists()

    def test_the_recompute_moves_only_the_teams_open_cases(self, tenant, new_york):
        team, other = TeamFactory(tenant=tenant), TeamFactory(tenant=tenant)
        case = open_case(tenant, london(9, 9), source_channel="email", team=team)
        untouched = open_case(tenant, london(9, 9), source_channel="email", team=other)
        calendar_teams_set(tenant=tenant, actor=None, calendar=new_york, team_ids=[team.pk, other.pk])

        with time_machine.travel(london(9, 11), tick=False):
            changed = sla_recompute_tenant.apply(
                kwargs={"tenant_id": tenant.pk, "team_ids": [team.pk], "cause": "team calendar"}
            ).get()

        assert changed == 1
        assert due(case, "acknowledge") == london(9, 16)
        assert due(untouched, "acknowledge") == london(9, 13)
        assert timers_recompute_for_tenant(tenant=tenant, at=london(9, 11)) == 1  # now the other one

    def test_a_calendar_a_team_works_to_cannot_be_deleted(self, tenant, new_york, us_team):
        with pytest.raises(ValidationError, match="Teams work to this calendar"):
            calendar_delete(tenant=tenant, actor=None, calendar=new_york)

        calendar_teams_set(tenant=tenant, actor=None, calendar=new_york, team_ids=[])
        calendar_delete(tenant=tenant, actor=None, calendar=new_york)
        assert not BusinessCalendar.objects.for_tenant(tenant).filter(pk=new_york.pk).exists()


class TestAcrossTenants:
    def test_another_tenants_team_cannot_be_attached(self, tenant, actors, new_york):
        theirs = TeamFactory(tenant=actors.tenant_b)

        with pytest.raises(ValidationError, match="teams of this workspace"):
            calendar_teams_set(tenant=tenant, actor=None, calendar=new_york, team_ids=[theirs.pk])

    def test_another_tenants_calendar_cannot_be_given_to_a_team(self, tenant, actors):
        their_calendar = default_calendar(tenant=sla_ready(actors.tenant_b, templates=False))
        team = TeamFactory(tenant=tenant)

        with pytest.raises(ValidationError, match="teams of this workspace"):
            calendar_teams_set(tenant=tenant, actor=None, calendar=their_calendar, team_ids=[team.pk])
        assert not TeamCalendar.objects.for_tenant(tenant).exists()


class TestSettingsPage:
    def test_the_calendar_page_lists_the_teams_with_their_current_calendar(self, tenant, actors, us_team):
        TeamFactory(tenant=tenant, name="Returns")
        admin = client_for(tenant, actors.admin_a)

        response = admin.get(reverse("sla:calendar_edit", args=[default_calendar(tenant=tenant).pk]))

        assert response.status_code == 200
        assert "Teams working to this calendar" in response.text
        assert "US support (now: New York desk)" in response.text
        assert "Returns" in response.text

    def test_choosing_teams_saves_them(self, tenant, actors, new_york):
        team = TeamFactory(tenant=tenant, name="Returns")
        admin = client_for(tenant, actors.admin_a)

        response = admin.post(
            reverse("sla:calendar_teams", args=[new_york.pk]), {"teams": [team.pk]}, follow=True
        )

        assert response.redirect_chain[-1][0] == reverse("sla:calendar_edit", args=[new_york.pk])
        assert "1 team now works to “New York desk”." in response.text
        assert TeamCalendar.objects.for_tenant(tenant).get(team=team).calendar == new_york
        listing = admin.get(reverse("sla:calendars"))
        assert "1 team" in listing.text

    @pytest.mark.parametrize("bad", ["not-a-number", "999999"])
    def test_a_bad_team_is_a_form_error(self, tenant, actors, new_york, bad):
        TeamFactory(tenant=tenant)
        admin = client_for(tenant, actors.admin_a)

        response = admin.post(reverse("sla:calendar_teams", args=[new_york.pk]), {"teams": [bad]})

        assert response.status_code == 200
        assert "Choose teams of this workspace." in response.text
        assert not TeamCalendar.objects.for_tenant(tenant).exists()

    def test_another_tenants_team_is_a_form_error(self, tenant, actors, new_york):
        theirs = TeamFactory(tenant=actors.tenant_b)
        admin = client_for(tenant, actors.admin_a)

        response = admin.post(reverse("sla:calendar_teams", args=[new_york.pk]), {"teams": [theirs.pk]})

        assert response.status_code == 200
        assert "Choose teams of this workspace." in response.text
        assert not TeamCalendar.objects.for_tenant(actors.tenant_b).exists()
        assert not TeamCalendar.objects.for_tenant(tenant).exists()

    def test_deleting_a_calendar_a_team_uses_shows_why_not(self, tenant, actors, new_york, us_team):
        admin = client_for(tenant, actors.admin_a)

        response = admin.post(reverse("sla:calendar_delete", args=[new_york.pk]), follow=True)

        assert "Teams work to this calendar" in response.text
        assert BusinessCalendar.objects.for_tenant(tenant).filter(pk=new_york.pk).exists()


class TestTryACase:
    def test_the_policies_page_previews_a_case_of_a_team_in_its_calendar(self, tenant, actors, us_team):
        admin = client_for(tenant, actors.admin_a)

        with_team = admin.get(reverse("sla:policies"), {"channel": "email", "team": us_team.pk})
        without = admin.get(reverse("sla:policies"), {"channel": "email"})

        assert "Counted in “New York desk” (America/New_York)" in with_team.content.decode()
        assert "Counted in “Office hours” (Europe/London)" in without.content.decode()

    def test_another_tenants_team_is_a_form_error_not_a_preview(self, tenant, actors):
        foreign = TeamFactory(tenant=actors.tenant_b)
        admin = client_for(tenant, actors.admin_a)

        response = admin.get(reverse("sla:policies"), {"channel": "email", "team": foreign.pk})

        assert response.status_code == 200
        assert "There is no such team." in response.content.decode()
        assert "Counted in" not in response.content.decode()
