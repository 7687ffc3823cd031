"""The SLA settings pages: admin only, tenant-scoped, clear form errors, previews from the clock."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from apps.sla.models import BusinessCalendar, CalendarClosure, EscalationLevel, NotifyWhom, SlaPolicy
from apps.sla.selectors import default_calendar, escalation_matrix
from apps.sla.services import calendar_create, closure_add, sla_install_defaults
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Friday 2 May 2025, 16:30 in London (BST): the bank-holiday weekend of the procedures' example.
FRIDAY_1630 = datetime(2025, 5, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def tenant(actors):
    sla_install_defaults(tenant=actors.tenant_a)
    return actors.tenant_a


@pytest.fixture
def admin(actors, tenant):
    return client_for(tenant, actors.admin_a)


def _policy(tenant, name: str) -> SlaPolicy:
    return SlaPolicy.objects.for_tenant(tenant).get(name=name)


def _policy_post(**overrides) -> dict:
    data = {
        "name": "Complaints",
        "position": "15",
        "is_active": "on",
        "match_kind": "complaint",
        "match_priority": "",
        "match_channel": "",
        "match_customer_tag": "",
        "calendar": "",
        "acknowledge_duration": "2h",
        "acknowledge_basis": "business",
        "first_response_duration": "",
        "first_response_basis": "business",
        "update_duration": "",
        "update_basis": "business",
        "resolve_duration": "3d",
        "resolve_basis": "business",
        "warn_percent": "",
    }
    return {**data, **overrides}


def _calendar_post(calendar: BusinessCalendar | None = None, **overrides) -> dict:
    data = {
        "name": calendar.name if calendar else "US desk",
        "time_zone": calendar.time_zone if calendar else "America/New_York",
        "country": calendar.country if calendar else "US",
        "subdivision": calendar.subdivision if calendar else "",
        "hours_0": "09:00-17:00",
        "hours_1": "09:00-17:00",
        "hours_2": "09:00-12:00, 13:00-17:00",
        "hours_3": "09:00-17:00",
        "hours_4": "09:00-17:00",
        "hours_5": "",
        "hours_6": "",
    }
    return {**data, **overrides}


class TestAccess:
    @pytest.mark.parametrize(
        "url_name", ["sla:policies", "sla:calendars", "sla:escalation_matrix", "sla:policy_create"]
    )
    def test_agents_and_supervisors_get_404(self, actors, tenant, url_name):
        for user in (actors.agent_a, actors.supervisor_a):
            assert client_for(tenant, user).get(reverse(url_name)).status_code == 404

    def test_signed_out_visitors_are_sent_to_sign_in(self, tenant):
        response = client_for(tenant).get(reverse("sla:policies"))
        assert response.status_code == 302
        assert "/app/login/" in response["Location"]

    def test_another_tenants_policy_and_calendar_are_404(self, actors, tenant):
        sla_install_defaults(tenant=actors.tenant_b)
        theirs = SlaPolicy.objects.for_tenant(actors.tenant_b).get(name="Email")
        their_calendar = default_calendar(tenant=actors.tenant_b)
        admin = client_for(tenant, actors.admin_a)
        assert admin.get(reverse("sla:policy_edit", args=[theirs.pk])).status_code == 404
        assert admin.post(reverse("sla:policy_delete", args=[theirs.pk])).status_code == 404
        assert admin.get(reverse("sla:calendar_edit", args=[their_calendar.pk])).status_code == 404
        assert admin.post(reverse("sla:calendar_delete", args=[their_calendar.pk])).status_code == 404
        assert SlaPolicy.objects.for_tenant(actors.tenant_b).filter(pk=theirs.pk).exists()

    def test_a_closure_is_removed_only_through_its_own_calendar(self, actors, tenant, admin):
        sla_install_defaults(tenant=actors.tenant_b)
        theirs = closure_add(
            tenant=actors.tenant_b,
            actor=None,
            calendar=default_calendar(tenant=actors.tenant_b),
            name="Their day",
            start_date=date(2025, 6, 11),
        )
        mine = default_calendar(tenant=tenant)
        response = admin.post(reverse("sla:closure_remove", args=[mine.pk, theirs.pk]))
        assert response.status_code == 404
        assert CalendarClosure.objects.for_tenant(actors.tenant_b).filter(pk=theirs.pk).exists()


class TestPolicies:
    def test_the_list_shows_every_policy_and_a_tried_case(self, tenant, admin):
        with time_machine.travel(FRIDAY_1630, tick=False):
            response = admin.get(reverse("sla:policies"), {"channel": "email", "priority": "normal"})
        body = response.content.decode()
        assert response.status_code == 200
        for name in ("Portal and chat", "Email", "Urgent", "Low priority", "Standard"):
            assert name in body
        # 4 business hours from Friday 16:30 over the May bank holiday: Tuesday 12:30 London time.
        assert "6 May 2025, 12:30" in body
        assert "From “Email”" in body

    def test_creating_a_policy_records_it_and_returns_to_the_list(self, tenant, admin):
        response = admin.post(reverse("sla:policy_create"), _policy_post())
        assert response.status_code == 302
        policy = _policy(tenant, "Complaints")
        assert policy.acknowledge_within.total_seconds() == 2 * 3600
        assert policy.resolve_within.total_seconds() == 24 * 3600  # 3 business days of 8 hours

    def test_a_duration_without_a_unit_gets_a_clear_message(self, tenant, admin):
        response = admin.post(reverse("sla:policy_create"), _policy_post(acknowledge_duration="4"))
        assert response.status_code == 200
        assert "Write a time such as 4h, 30m, 1d or 1d 4h." in response.content.decode()
        assert not SlaPolicy.objects.for_tenant(tenant).filter(name="Complaints").exists()

    def test_a_taken_name_is_reported_on_the_name_field(self, tenant, admin):
        response = admin.post(reverse("sla:policy_create"), _policy_post(name="email"))
        assert response.status_code == 200
        assert response.context["form"].errors["name"] == ["Another policy has this name."]

    def test_the_fallback_cannot_lose_a_target(self, tenant, admin):
        fallback = _policy(tenant, "Standard")
        response = admin.post(
            reverse("sla:policy_edit", args=[fallback.pk]),
            _policy_post(name="Standard", match_kind="", acknowledge_duration="", resolve_duration="5d"),
        )
        assert response.status_code == 200
        assert response.context["form"].errors["acknowledge_duration"] == [
            "The fallback policy must set every target."
        ]

    def test_the_fallback_ignores_posted_conditions(self, tenant, admin):
        fallback = _policy(tenant, "Standard")
        data = _policy_post(
            name="Standard",
            match_kind="complaint",
            acknowledge_duration="1d",
            acknowledge_basis="calendar",
            first_response_duration="1d",
            update_duration="5d",
            resolve_duration="5d",
            warn_percent="80",
        )
        response = admin.post(reverse("sla:policy_edit", args=[fallback.pk]), data)
        assert response.status_code == 302
        fallback.refresh_from_db()
        assert fallback.match_kind == ""
        assert str(fallback.warn_share) == "0.80"

    def test_editing_shows_the_current_values(self, tenant, admin):
        response = admin.get(reverse("sla:policy_edit", args=[_policy(tenant, "Email").pk]))
        form = response.context["form"]
        assert form["acknowledge_duration"].value() == "4h"
        assert form["match_channel"].value() == "email"

    def test_the_preview_shows_when_a_case_opened_now_would_be_due(self, tenant, admin):
        with time_machine.travel(FRIDAY_1630, tick=False):
            response = admin.post(reverse("sla:policy_preview"), _policy_post(acknowledge_duration="4h"))
        body = response.content.decode()
        assert "6 May 2025, 12:30" in body
        assert "From the next matching policy" in body

    def test_the_preview_asks_for_corrections_when_the_form_is_wrong(self, tenant, admin):
        response = admin.post(reverse("sla:policy_preview"), _policy_post(acknowledge_duration="soon"))
        assert "Correct the form" in response.content.decode()

    def test_deleting_the_fallback_is_refused_with_a_message(self, tenant, admin):
        response = admin.post(
            reverse("sla:policy_delete", args=[_policy(tenant, "Standard").pk]), follow=True
        )
        assert "The fallback policy cannot be deleted" in response.content.decode()
        assert SlaPolicy.objects.for_tenant(tenant).filter(is_fallback=True).exists()

    def test_deleting_a_policy(self, tenant, admin):
        admin.post(reverse("sla:policy_delete", args=[_policy(tenant, "Email").pk]))
        assert not SlaPolicy.objects.for_tenant(tenant).filter(name="Email").exists()

    def test_a_tenant_without_policies_is_offered_the_standard_set(self, actors):
        admin = client_for(actors.tenant_a, actors.admin_a)
        assert "Install the standard SLA" in admin.get(reverse("sla:policies")).content.decode()
        admin.post(reverse("sla:install_defaults"))
        assert SlaPolicy.objects.for_tenant(actors.tenant_a).count() == 7


class TestCalendars:
    def test_the_list_shows_hours_and_whether_open(self, tenant, admin):
        with time_machine.travel(FRIDAY_1630, tick=False):
            body = admin.get(reverse("sla:calendars")).content.decode()
        assert "Mon\N{EN DASH}Fri 09:00\N{EN DASH}17:00" in body
        assert "Open" in body

    def test_creating_a_calendar_with_split_days(self, tenant, admin):
        response = admin.post(reverse("sla:calendar_create"), _calendar_post())
        calendar = BusinessCalendar.objects.for_tenant(tenant).get(name="US desk")
        assert response.status_code == 302
        assert list(calendar.periods.filter(weekday=2).values_list("start", "end")) == [
            (time(9), time(12)),
            (time(13), time(17)),
        ]
        assert calendar.is_default is False

    def test_a_badly_written_day_is_reported_on_that_day(self, tenant, admin):
        response = admin.post(reverse("sla:calendar_create"), _calendar_post(hours_1="9 till 5"))
        assert response.status_code == 200
        assert response.context["form"].errors["hours_1"] == [
            "“9 till 5” is not a period; write it like 09:00-17:00."
        ]

    def test_overlapping_periods_are_reported(self, tenant, admin):
        response = admin.post(
            reverse("sla:calendar_create"), _calendar_post(hours_0="09:00-13:00, 12:00-17:00")
        )
        assert "Monday: opening periods overlap." in response.content.decode()

    def test_a_calendar_closed_every_day_is_refused(self, tenant, admin):
        closed = {f"hours_{day}": "" for day in range(7)}
        response = admin.post(reverse("sla:calendar_create"), _calendar_post(**closed))
        assert "Open the calendar on at least one day" in response.content.decode()

    def test_editing_the_hours_of_the_default_calendar_keeps_it_the_default(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        # The page shows no "default" box for the default calendar, so none is posted.
        response = admin.post(
            reverse("sla:calendar_edit", args=[calendar.pk]), _calendar_post(calendar, hours_5="10:00-14:00")
        )
        assert response.status_code == 302
        assert list(calendar.periods.filter(weekday=5).values_list("start", "end")) == [(time(10), time(14))]
        assert default_calendar(tenant=tenant) == calendar

    def test_another_calendar_can_become_the_default(self, tenant, admin):
        other = calendar_create(tenant=tenant, actor=None, name="US desk", time_zone="America/New_York")
        response = admin.post(
            reverse("sla:calendar_edit", args=[other.pk]), _calendar_post(other, is_default="on")
        )
        assert response.status_code == 302
        assert default_calendar(tenant=tenant) == other

    def test_the_page_lists_coming_bank_holidays_and_closures(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        with time_machine.travel(FRIDAY_1630, tick=False):
            closure_add(
                tenant=tenant,
                actor=None,
                calendar=calendar,
                name="Office move",
                start_date=date(2025, 6, 11),
            )
            body = admin.get(reverse("sla:calendar_edit", args=[calendar.pk])).content.decode()
        assert "May Day" in body
        assert "Office move" in body
        assert "Opens Tuesday 6 May, 09:00" not in body  # open at 16:30 on Friday
        assert "badge-ok" in body

    def test_the_deadline_calculator_works_in_the_calendars_zone(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        response = admin.get(
            reverse("sla:calendar_edit", args=[calendar.pk]),
            {"check_start": "2025-05-02T16:30", "check_duration": "4h", "check_basis": "business"},
        )
        assert "Due <strong>Tuesday 6 May 2025, 12:30</strong>" in response.content.decode()

    def test_the_deadline_calculator_explains_bad_input(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        response = admin.get(
            reverse("sla:calendar_edit", args=[calendar.pk]),
            {"check_start": "yesterday", "check_duration": "4h"},
        )
        assert "Enter the start as a date and time." in response.content.decode()

    def test_adding_and_removing_a_closure(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        admin.post(
            reverse("sla:closure_add", args=[calendar.pk]),
            {"name": "Christmas Eve afternoon", "start_date": "2026-12-24", "start_time": "14:00"},
        )
        closure = CalendarClosure.objects.for_tenant(tenant).get()
        assert (closure.end_date, closure.start_time, closure.end_time) == (
            closure.start_date,
            time(14),
            None,
        )
        admin.post(reverse("sla:closure_remove", args=[calendar.pk, closure.pk]))
        assert not CalendarClosure.objects.for_tenant(tenant).exists()

    def test_a_closure_ending_before_it_starts_shows_the_error(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        response = admin.post(
            reverse("sla:closure_add", args=[calendar.pk]),
            {"name": "Oops", "start_date": "2026-12-24", "end_date": "2026-12-20"},
        )
        assert response.status_code == 200
        assert response.context["closure_form"].errors["end_date"] == [
            "The closure must end on or after the day it starts."
        ]

    def test_the_region_field_follows_the_country(self, tenant, admin):
        body = admin.get(reverse("sla:calendar_subdivisions"), {"country": "DE"}).content.decode()
        assert "Bayern (BY)" in body
        assert 'id="subdivision-field"' in body

    def test_deleting_the_default_calendar_is_refused(self, tenant, admin):
        calendar = default_calendar(tenant=tenant)
        response = admin.post(reverse("sla:calendar_delete", args=[calendar.pk]), follow=True)
        assert "default calendar cannot be deleted" in response.content.decode()

    def test_deleting_an_unused_calendar(self, tenant, admin):
        other = calendar_create(tenant=tenant, actor=None, name="Night desk", time_zone="UTC")
        response = admin.post(reverse("sla:calendar_delete", args=[other.pk]))
        assert response["Location"] == reverse("sla:calendars")
        assert not BusinessCalendar.objects.for_tenant(tenant).filter(pk=other.pk).exists()


class TestEscalationMatrix:
    @staticmethod
    def _post(rows: list[dict], initial: int) -> dict:
        data = {
            "levels-TOTAL_FORMS": str(len(rows)),
            "levels-INITIAL_FORMS": str(initial),
            "levels-MIN_NUM_FORMS": "0",
            "levels-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data.update({f"levels-{index}-{key}": value for key, value in row.items()})
        return data

    def test_the_page_shows_the_default_levels(self, tenant, admin):
        body = admin.get(reverse("sla:escalation_matrix")).content.decode()
        assert 'value="Team supervisor"' in body

    def test_levels_can_be_reordered_removed_and_added(self, actors, tenant, admin):
        rows = [
            {"ORDER": "2", "name": "Assignee", "notify": NotifyWhom.ASSIGNEE, "role": "", "user": ""},
            {
                "ORDER": "1",
                "name": "Team supervisor",
                "notify": NotifyWhom.TEAM_SUPERVISOR,
                "role": "",
                "user": "",
            },
            {
                "ORDER": "3",
                "name": "Manager",
                "notify": NotifyWhom.ROLE,
                "role": "admin",
                "user": "",
                "DELETE": "on",
            },
            {
                "ORDER": "",
                "name": "Head of service",
                "notify": NotifyWhom.USER,
                "role": "",
                "user": str(actors.admin_a.pk),
            },
        ]
        response = admin.post(reverse("sla:escalation_matrix"), self._post(rows, initial=3))
        assert response.status_code == 302
        assert [(level.level, level.name) for level in escalation_matrix(tenant=tenant)] == [
            (1, "Team supervisor"),
            (2, "Assignee"),
            (3, "Head of service"),
        ]

    def test_a_person_level_without_a_person_is_an_error_on_that_row(self, tenant, admin):
        rows = [{"ORDER": "1", "name": "Someone", "notify": NotifyWhom.USER, "role": "", "user": ""}]
        response = admin.post(reverse("sla:escalation_matrix"), self._post(rows, initial=0))
        assert response.status_code == 200
        assert response.context["formset"].forms[0].errors["user"] == ["Choose the person to notify."]
        assert EscalationLevel.objects.for_tenant(tenant).count() == 3

    def test_removing_every_level_is_refused(self, tenant, admin):
        rows = [
            {
                "ORDER": str(n),
                "name": name,
                "notify": NotifyWhom.ASSIGNEE,
                "role": "",
                "user": "",
                "DELETE": "on",
            }
            for n, name in enumerate(("A", "B", "C"), start=1)
        ]
        response = admin.post(reverse("sla:escalation_matrix"), self._post(rows, initial=3))
        assert "Keep at least one level." in response.content.decode()
        assert EscalationLevel.objects.for_tenant(tenant).count() == 3

    def test_saving_with_the_empty_extra_row_untouched_keeps_the_levels(self, tenant, admin):
        rows = [
            {
                "ORDER": str(level.level),
                "name": level.name,
                "notify": level.notify,
                "role": level.role,
                "user": "",
            }
            for level in escalation_matrix(tenant=tenant)
        ]
        rows.append({"ORDER": "", "name": "", "notify": "", "role": "", "user": ""})
        response = admin.post(reverse("sla:escalation_matrix"), self._post(rows, initial=3))
        assert response.status_code == 302
        assert [level.name for level in escalation_matrix(tenant=tenant)] == [
            "Assignee",
            "Team supervisor",
            "Manager",
        ]
