"""Writing calendars, closures, policies and the escalation matrix; installing the defaults."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.sla.business_time import add_business_time, is_open
from apps.sla.defaults import LevelSpec, holiday_region_for
from apps.sla.models import (
    BusinessCalendar,
    CalendarClosure,
    EscalationLevel,
    NotifyWhom,
    OpeningPeriod,
    SlaPolicy,
    TimeBasis,
)
from apps.sla.selectors import calendar_snapshot, default_calendar, escalation_matrix
from apps.sla.services import (
    calendar_create,
    calendar_delete,
    calendar_update,
    closure_add,
    closure_remove,
    escalation_matrix_set,
    policy_create,
    policy_delete,
    policy_update,
    sla_install_defaults,
)
from apps.tenants.models import Role
from apps.tenants.services import tenant_create

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
H = timedelta(hours=1)
NINE_TO_FIVE = [(time(9), time(17))]


@pytest.fixture
def tenant(actors):
    sla_install_defaults(tenant=actors.tenant_a)
    return actors.tenant_a


def _actions(tenant) -> list[str]:
    return list(AuditEvent.objects.for_tenant(tenant).order_by("seq").values_list("action", flat=True))


def _edit(calendar: BusinessCalendar, **changes):
    fields = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "is_default": calendar.is_default,
        "opening_hours": {day: NINE_TO_FIVE for day in range(5)},
    }
    return calendar_update(tenant=calendar.tenant, actor=None, calendar=calendar, **{**fields, **changes})


class TestDefaults:
    def test_a_new_tenant_gets_office_hours_policies_and_an_escalation_matrix(self, tenant):
        calendar = default_calendar(tenant=tenant)
        assert (calendar.name, calendar.time_zone, calendar.country, calendar.subdivision) == (
            "Office hours",
            "Europe/London",
            "GB",
            "ENG",
        )
        periods = OpeningPeriod.objects.for_tenant(tenant).filter(calendar=calendar)
        assert sorted(periods.values_list("weekday", "start", "end")) == [
            (day, time(9), time(17)) for day in range(5)
        ]
        names = list(
            SlaPolicy.objects.for_tenant(tenant)
            .order_by("is_fallback", "position")
            .values_list("name", flat=True)
        )
        assert names == [
            "Portal and chat",
            "Email",
            "Urgent",
            "High priority",
            "Normal priority",
            "Low priority",
            "Standard",
        ]
        assert SlaPolicy.objects.for_tenant(tenant).get(is_fallback=True).warn_share == Decimal("0.75")
        assert [(level.level, level.notify, level.role) for level in escalation_matrix(tenant=tenant)] == [
            (1, NotifyWhom.ASSIGNEE, ""),
            (2, NotifyWhom.TEAM_SUPERVISOR, ""),
            (3, NotifyWhom.ROLE, Role.ADMIN),
        ]
        assert "sla.defaults_installed" in _actions(tenant)

    def test_installing_twice_changes_nothing(self, tenant):
        assert sla_install_defaults(tenant=tenant) is False
        assert SlaPolicy.objects.for_tenant(tenant).count() == 7
        assert BusinessCalendar.objects.for_tenant(tenant).count() == 1
        assert EscalationLevel.objects.for_tenant(tenant).count() == 3
        assert _actions(tenant).count("sla.defaults_installed") == 1

    def test_install_keeps_what_the_tenant_changed(self, tenant):
        policy_delete(
            tenant=tenant, actor=None, policy=SlaPolicy.objects.for_tenant(tenant).get(name="Email")
        )
        sla_install_defaults(tenant=tenant)
        assert not SlaPolicy.objects.for_tenant(tenant).filter(name="Email").exists()

    def test_tenant_create_installs_the_defaults(self, db):
        tenant = tenant_create(slug="acme", name="Acme", time_zone="Europe/London")
        assert default_calendar(tenant=tenant).country == "GB"
        assert SlaPolicy.objects.for_tenant(tenant).filter(is_fallback=True).exists()

    def test_a_utc_tenant_gets_a_calendar_without_public_holidays(self, db):
        tenant = tenant_create(slug="global", name="Global", time_zone="UTC")
        assert default_calendar(tenant=tenant).country == ""

    def test_an_explicit_country_wins_over_the_time_zone(self, actors):
        sla_install_defaults(tenant=actors.tenant_b, country="IE")
        assert default_calendar(tenant=actors.tenant_b).country == "IE"

    @pytest.mark.parametrize(
        ("zone", "region"),
        [
            ("Europe/London", ("GB", "ENG")),
            ("America/New_York", ("US", "")),
            ("Europe/Berlin", ("DE", "")),
            ("UTC", ("", "")),
        ],
    )
    def test_holiday_region_is_guessed_from_the_time_zone(self, zone, region):
        assert holiday_region_for(zone) == region


class TestCalendars:
    def test_changing_hours_replaces_them_and_refreshes_the_cached_snapshot(
        self, tenant, django_capture_on_commit_callbacks
    ):
        calendar = default_calendar(tenant=tenant)
        wednesday_noon = datetime(2025, 6, 11, 12, 30, tzinfo=LONDON)
        assert is_open(calendar_snapshot(tenant=tenant), wednesday_noon)
        with django_capture_on_commit_callbacks(execute=True):
            _edit(calendar, opening_hours={2: [(time(9), time(12)), (time(13), time(17))]})
        snapshot = calendar_snapshot(tenant=tenant)
        assert not is_open(snapshot, wednesday_noon)
        assert snapshot.weekly_hours[0] == ()
        assert "sla_calendar.updated" in _actions(tenant)

    def test_overlapping_periods_are_refused(self, tenant):
        with pytest.raises(ValidationError, match="overlap"):
            _edit(
                default_calendar(tenant=tenant),
                opening_hours={0: [(time(9), time(13)), (time(12), time(17))]},
            )

    def test_a_period_ending_before_it_starts_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="ends before it starts"):
            _edit(default_calendar(tenant=tenant), opening_hours={0: [(time(17), time(9))]})

    def test_midnight_as_an_end_means_the_end_of_the_day(self, tenant):
        calendar = _edit(default_calendar(tenant=tenant), opening_hours={5: [(time(18), time(0))]})
        snapshot = calendar_snapshot(tenant=tenant, calendar_id=calendar.pk)
        assert snapshot.weekly_hours[5] == ((18 * 60, 24 * 60),)

    def test_a_subdivision_must_belong_to_the_country(self, tenant):
        with pytest.raises(ValidationError, match="Not a subdivision of GB"):
            _edit(default_calendar(tenant=tenant), subdivision="CA")

    def test_an_unknown_country_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="not a country"):
            _edit(default_calendar(tenant=tenant), country="XX", subdivision="")

    def test_the_default_calendar_cannot_be_unset_directly(self, tenant):
        with pytest.raises(ValidationError, match="another calendar the default"):
            _edit(default_calendar(tenant=tenant), is_default=False)

    def test_making_a_new_calendar_default_moves_the_flag(self, tenant):
        old = default_calendar(tenant=tenant)
        new = calendar_create(
            tenant=tenant, actor=None, name="US desk", time_zone="America/New_York", is_default=True
        )
        assert default_calendar(tenant=tenant) == new
        old.refresh_from_db()
        assert old.is_default is False

    def test_calendar_names_are_unique_regardless_of_case(self, tenant):
        with pytest.raises(ValidationError, match="Another calendar has this name"):
            calendar_create(tenant=tenant, actor=None, name="office HOURS", time_zone="UTC")

    def test_the_same_name_is_fine_in_another_tenant(self, tenant, actors):
        calendar_create(tenant=actors.tenant_b, actor=None, name="Office hours", time_zone="UTC")

    def test_the_first_calendar_of_a_tenant_becomes_its_default(self, actors):
        calendar = calendar_create(tenant=actors.tenant_b, actor=None, name="Main", time_zone="UTC")
        assert calendar.is_default

    def test_the_default_calendar_cannot_be_deleted(self, tenant):
        with pytest.raises(ValidationError, match="default calendar cannot be deleted"):
            calendar_delete(tenant=tenant, actor=None, calendar=default_calendar(tenant=tenant))

    def test_a_calendar_used_by_a_policy_cannot_be_deleted(self, tenant):
        other = calendar_create(tenant=tenant, actor=None, name="Night desk", time_zone="UTC")
        policy_update(
            tenant=tenant,
            actor=None,
            policy=SlaPolicy.objects.for_tenant(tenant).get(name="Urgent"),
            calendar=other,
        )
        with pytest.raises(ValidationError, match="Policies use this calendar"):
            calendar_delete(tenant=tenant, actor=None, calendar=other)

    def test_an_unused_calendar_is_deleted_with_its_hours(self, tenant):
        other = calendar_create(tenant=tenant, actor=None, name="Night desk", time_zone="UTC")
        calendar_delete(tenant=tenant, actor=None, calendar=other)
        assert not BusinessCalendar.objects.for_tenant(tenant).filter(pk=other.pk).exists()
        assert not OpeningPeriod.objects.for_tenant(tenant).filter(calendar_id=other.pk).exists()
        assert "sla_calendar.deleted" in _actions(tenant)

    def test_a_tenant_without_a_calendar_computes_with_built_in_office_hours(self, actors):
        snapshot = calendar_snapshot(tenant=actors.tenant_b)
        assert snapshot.name == "Built-in office hours"
        assert snapshot.time_zone == actors.tenant_b.time_zone
        assert snapshot.weekly_hours[0] == ((540, 1020),)

    def test_another_tenants_calendar_id_falls_back_to_the_own_default(self, tenant, actors):
        theirs = calendar_create(tenant=actors.tenant_b, actor=None, name="Theirs", time_zone="Asia/Tokyo")
        assert calendar_snapshot(tenant=tenant, calendar_id=theirs.pk).time_zone == "Europe/London"


class TestClosures:
    def test_a_closure_day_is_skipped_by_the_arithmetic(self, tenant, django_capture_on_commit_callbacks):
        calendar = default_calendar(tenant=tenant)
        calendar_snapshot(tenant=tenant)  # cached before the change
        with django_capture_on_commit_callbacks(execute=True):
            closure_add(
                tenant=tenant,
                actor=None,
                calendar=calendar,
                name="Staff training",
                start_date=date(2025, 6, 11),
            )
        due = add_business_time(
            calendar_snapshot(tenant=tenant), datetime(2025, 6, 10, 16, 30, tzinfo=LONDON), H
        )
        assert due == datetime(2025, 6, 12, 9, 30, tzinfo=LONDON)

    def test_a_closure_with_times_closes_part_of_a_day(self, tenant):
        calendar = default_calendar(tenant=tenant)
        closure_add(
            tenant=tenant,
            actor=None,
            calendar=calendar,
            name="Christmas Eve afternoon",
            start_date=date(2026, 12, 24),
            start_time=time(14),
        )
        snapshot = calendar_snapshot(tenant=tenant)
        assert is_open(snapshot, datetime(2026, 12, 24, 13, 0, tzinfo=LONDON))
        assert not is_open(snapshot, datetime(2026, 12, 24, 14, 0, tzinfo=LONDON))

    @staticmethod
    def _close(tenant, **fields):
        return closure_add(tenant=tenant, actor=None, calendar=default_calendar(tenant=tenant), **fields)

    def test_a_closure_ending_before_it_starts_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="end on or after"):
            self._close(tenant, name="Backwards", start_date=date(2025, 6, 11), end_date=date(2025, 6, 10))

    def test_a_closure_longer_than_a_year_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="at most a year"):
            self._close(tenant, name="Sabbatical", start_date=date(2025, 1, 1), end_date=date(2026, 6, 1))

    def test_times_on_one_day_must_run_forwards(self, tenant):
        with pytest.raises(ValidationError, match="end after it starts"):
            self._close(
                tenant, name="Odd", start_date=date(2025, 6, 11), start_time=time(15), end_time=time(14)
            )

    def test_removing_a_closure_reopens_the_day(self, tenant, django_capture_on_commit_callbacks):
        calendar = default_calendar(tenant=tenant)
        closure = closure_add(
            tenant=tenant, actor=None, calendar=calendar, name="Move", start_date=date(2025, 6, 11)
        )
        with django_capture_on_commit_callbacks(execute=True):
            closure_remove(tenant=tenant, actor=None, closure=closure)
        assert not CalendarClosure.objects.for_tenant(tenant).exists()
        assert is_open(calendar_snapshot(tenant=tenant), datetime(2025, 6, 11, 10, 0, tzinfo=LONDON))
        assert _actions(tenant)[-2:] == ["sla_calendar.closure_added", "sla_calendar.closure_removed"]


class TestPolicies:
    def test_a_new_policy_goes_after_the_others_and_its_conditions_are_tidied(self, tenant):
        policy = policy_create(
            tenant=tenant,
            actor=None,
            name="  Key accounts ",
            match_customer_tag="VIP , gold,vip",
            first_response_within=2 * H,
            first_response_basis=TimeBasis.BUSINESS,
        )
        assert policy.name == "Key accounts"
        assert policy.match_customer_tag == "vip,gold"
        assert policy.position == 70
        event = AuditEvent.objects.for_tenant(tenant).filter(action="sla_policy.created").get()
        assert event.changes["first_response_within"] == 7200

    def test_a_zero_target_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="longer than zero"):
            policy_create(tenant=tenant, actor=None, name="Instant", acknowledge_within=timedelta(0))

    def test_the_fallback_must_keep_every_target(self, tenant):
        fallback = SlaPolicy.objects.for_tenant(tenant).get(is_fallback=True)
        with pytest.raises(ValidationError, match="must set every target"):
            policy_update(tenant=tenant, actor=None, policy=fallback, resolve_within=None)

    def test_the_fallback_cannot_get_conditions_or_be_switched_off(self, tenant):
        fallback = SlaPolicy.objects.for_tenant(tenant).get(is_fallback=True)
        with pytest.raises(ValidationError, match="matches every case"):
            policy_update(tenant=tenant, actor=None, policy=fallback, match_channel="email")
        fallback.refresh_from_db()
        with pytest.raises(ValidationError, match="cannot be switched off"):
            policy_update(tenant=tenant, actor=None, policy=fallback, is_active=False)

    def test_the_fallback_cannot_be_deleted(self, tenant):
        with pytest.raises(ValidationError, match="cannot be deleted"):
            policy_delete(
                tenant=tenant, actor=None, policy=SlaPolicy.objects.for_tenant(tenant).get(is_fallback=True)
            )

    def test_a_warning_share_outside_zero_and_one_is_refused(self, tenant):
        policy = SlaPolicy.objects.for_tenant(tenant).get(name="Urgent")
        with pytest.raises(ValidationError, match=r"less than or equal to 0\.99"):
            policy_update(tenant=tenant, actor=None, policy=policy, warn_share=Decimal("1.5"))

    def test_policy_names_are_unique_regardless_of_case(self, tenant):
        with pytest.raises(ValidationError, match="Another policy has this name"):
            policy_create(tenant=tenant, actor=None, name="EMAIL")

    def test_another_tenants_calendar_is_refused(self, tenant, actors):
        theirs = calendar_create(tenant=actors.tenant_b, actor=None, name="Theirs", time_zone="UTC")
        with pytest.raises(ValidationError, match="one of your calendars"):
            policy_create(tenant=tenant, actor=None, name="Sneaky", calendar=theirs)

    def test_an_update_records_only_what_changed(self, tenant, actors):
        policy = SlaPolicy.objects.for_tenant(tenant).get(name="Email")
        policy_update(tenant=tenant, actor=actors.admin_a, policy=policy, acknowledge_within=2 * H)
        event = AuditEvent.objects.for_tenant(tenant).filter(action="sla_policy.updated").get()
        assert event.changes == {"acknowledge_within": [4 * 3600, 2 * 3600]}
        assert event.actor_id == str(actors.admin_a.pk)

    def test_an_update_without_changes_writes_no_audit_event(self, tenant):
        policy = SlaPolicy.objects.for_tenant(tenant).get(name="Email")
        policy_update(tenant=tenant, actor=None, policy=policy, name="Email")
        assert "sla_policy.updated" not in _actions(tenant)


class TestEscalationMatrix:
    def test_levels_are_replaced_and_numbered_in_order(self, tenant, actors):
        escalation_matrix_set(
            tenant=tenant,
            actor=actors.admin_a,
            levels=[
                LevelSpec(0, "Assignee", NotifyWhom.ASSIGNEE),
                LevelSpec(0, "Duty supervisor", NotifyWhom.USER, user_id=actors.supervisor_a.pk),
            ],
        )
        levels = escalation_matrix(tenant=tenant)
        assert [(level.level, level.name, level.user) for level in levels] == [
            (1, "Assignee", None),
            (2, "Duty supervisor", actors.supervisor_a),
        ]
        assert "sla_escalation_matrix.updated" in _actions(tenant)

    def test_a_person_from_another_tenant_is_refused(self, tenant, actors):
        with pytest.raises(ValidationError, match="Level 1: choose a member"):
            escalation_matrix_set(
                tenant=tenant,
                actor=None,
                levels=[LevelSpec(1, "Outsider", NotifyWhom.USER, user_id=actors.staff_b.pk)],
            )
        assert len(escalation_matrix(tenant=tenant)) == 3

    def test_a_role_level_needs_a_role(self, tenant):
        with pytest.raises(ValidationError, match="Level 2: Choose the role"):
            escalation_matrix_set(
                tenant=tenant,
                actor=None,
                levels=[
                    LevelSpec(1, "Assignee", NotifyWhom.ASSIGNEE),
                    LevelSpec(2, "Managers", NotifyWhom.ROLE),
                ],
            )

    def test_an_empty_matrix_is_refused(self, tenant):
        with pytest.raises(ValidationError, match="at least one level"):
            escalation_matrix_set(tenant=tenant, actor=None, levels=[])
