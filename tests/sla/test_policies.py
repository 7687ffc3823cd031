"""Which targets a case gets: policy matching, the cascade to the fallback, and due times."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.sla.durations import describe_duration, format_duration_input
from apps.sla.models import SlaPolicy, TimeBasis
from apps.sla.selectors import calendar_snapshot, policy_for
from apps.sla.services import calendar_create, policy_create, policy_update, sla_install_defaults

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def tenant(actors):
    sla_install_defaults(tenant=actors.tenant_a)  # Europe/London: office hours with English holidays
    return actors.tenant_a


def _targets(effective) -> dict[str, tuple[timedelta, str]]:
    return {target.kind: (target.duration, target.basis) for target in effective.targets}


def test_chat_is_acknowledged_within_one_business_hour(tenant):
    assert policy_for(tenant=tenant, channel="chat").acknowledge.duration == H


def test_portal_is_acknowledged_within_one_business_hour(tenant):
    assert policy_for(tenant=tenant, channel="portal").acknowledge.label == "1 business hour"


def test_email_is_acknowledged_within_four_business_hours(tenant):
    ack = policy_for(tenant=tenant, channel="email").acknowledge
    assert (ack.duration, ack.basis, ack.policy_name) == (4 * H, TimeBasis.BUSINESS, "Email")


def test_other_channels_are_acknowledged_within_24_calendar_hours(tenant):
    ack = policy_for(tenant=tenant, channel="phone").acknowledge
    assert (ack.duration, ack.basis, ack.label) == (24 * H, TimeBasis.CALENDAR, "24 hours")


def test_urgent_chat_case_combines_the_channel_and_priority_policies(tenant):
    effective = policy_for(tenant=tenant, kind="complaint", priority="urgent", channel="chat")
    assert _targets(effective) == {
        "acknowledge": (H, TimeBasis.BUSINESS),
        "first_response": (8 * H, TimeBasis.BUSINESS),
        "update": (8 * H, TimeBasis.BUSINESS),
        "resolve": (8 * H, TimeBasis.BUSINESS),
    }
    assert effective.update_follows_customer_cadence is False
    assert [target.policy_name for target in effective.targets] == [
        "Portal and chat",
        "Standard",
        "Urgent",
        "Urgent",
    ]


@pytest.mark.parametrize(
    ("priority", "business_days"), [("urgent", 1), ("high", 3), ("normal", 5), ("low", 10), ("", 5)]
)
def test_resolution_target_follows_the_priority(tenant, priority, business_days):
    assert policy_for(tenant=tenant, priority=priority).resolve.duration == business_days * 8 * H


def test_non_urgent_updates_follow_the_customers_cadence(tenant):
    effective = policy_for(tenant=tenant, priority="normal", channel="email")
    assert effective.update_follows_customer_cadence is True
    assert effective.update.label == "5 business days"
    assert effective.warn_share == Decimal("0.75")


def test_matching_ignores_case_and_whitespace_of_case_values(tenant):
    assert policy_for(tenant=tenant, channel=" Chat ", priority="URGENT").resolve.duration == 8 * H


def test_customer_tag_policy_applies_when_any_tag_matches(tenant):
    policy_create(
        tenant=tenant,
        actor=None,
        name="VIP",
        position=5,
        match_customer_tag="vip, gold",
        acknowledge_within=timedelta(minutes=15),
        acknowledge_basis=TimeBasis.BUSINESS,
    )
    assert policy_for(tenant=tenant, channel="email", tags=["Gold"]).acknowledge.duration == timedelta(
        minutes=15
    )
    assert policy_for(tenant=tenant, channel="email", tags=["bronze"]).acknowledge.duration == 4 * H
    assert policy_for(tenant=tenant, channel="email").acknowledge.duration == 4 * H


def test_a_lower_position_wins_when_two_policies_set_the_same_target(tenant):
    policy_create(
        tenant=tenant,
        actor=None,
        name="Complaints by email",
        position=15,
        match_kind="complaint",
        match_channel="email",
        acknowledge_within=2 * H,
        acknowledge_basis=TimeBasis.BUSINESS,
    )
    assert policy_for(tenant=tenant, kind="complaint", channel="email").acknowledge.duration == 2 * H
    assert policy_for(tenant=tenant, kind="inquiry", channel="email").acknowledge.duration == 4 * H


def test_an_inactive_policy_is_skipped(tenant):
    email = SlaPolicy.objects.for_tenant(tenant).get(name="Email")
    policy_update(tenant=tenant, actor=None, policy=email, is_active=False)
    assert policy_for(tenant=tenant, channel="email").acknowledge.label == "24 hours"


def test_the_first_matching_policy_naming_a_calendar_chooses_it(tenant):
    support = calendar_create(tenant=tenant, actor=None, name="Support desk", time_zone="America/New_York")
    urgent = SlaPolicy.objects.for_tenant(tenant).get(name="Urgent")
    policy_update(tenant=tenant, actor=None, policy=urgent, calendar=support)
    assert policy_for(tenant=tenant, priority="urgent").calendar_id == support.pk
    assert policy_for(tenant=tenant, priority="low").calendar_id is None


def test_a_matching_policy_can_change_the_warning_share(tenant):
    urgent = SlaPolicy.objects.for_tenant(tenant).get(name="Urgent")
    policy_update(tenant=tenant, actor=None, policy=urgent, warn_share=Decimal("0.50"))
    assert policy_for(tenant=tenant, priority="urgent").warn_share == Decimal("0.50")
    assert policy_for(tenant=tenant, priority="high").warn_share == Decimal("0.75")


def test_a_tenant_without_policies_gets_the_built_in_defaults(actors):
    effective = policy_for(tenant=actors.tenant_b, channel="chat", priority="urgent")
    assert effective.policy_ids == ()
    assert effective.acknowledge.label == "24 hours"
    assert effective.acknowledge.policy_name == "Built-in default"
    assert effective.warn_share == Decimal("0.75")


def test_another_tenants_policies_never_apply(tenant, actors):
    assert policy_for(tenant=actors.tenant_b, channel="chat").acknowledge.label == "24 hours"


def test_email_complaint_friday_1630_before_bank_holiday_is_due_tuesday_1230(tenant):
    effective = policy_for(tenant=tenant, kind="complaint", priority="normal", channel="email")
    calendar = calendar_snapshot(tenant=tenant, calendar_id=effective.calendar_id)
    opened = datetime(2025, 5, 2, 16, 30, tzinfo=LONDON)
    assert effective.acknowledge.due_at(calendar, opened) == datetime(2025, 5, 6, 12, 30, tzinfo=LONDON)
    # Warned at 75%: 3 business hours, half an hour on Friday and 2½ on Tuesday.
    warn = effective.acknowledge.warn_at(calendar, opened, effective.warn_share)
    assert warn == datetime(2025, 5, 6, 11, 30, tzinfo=LONDON)
    assert effective.acknowledge.elapsed(calendar, opened, warn) == 3 * H


def test_chat_case_at_1630_must_be_acknowledged_by_0930_next_business_day(tenant):
    effective = policy_for(tenant=tenant, channel="chat")
    calendar = calendar_snapshot(tenant=tenant, calendar_id=effective.calendar_id)
    opened = datetime(2025, 6, 11, 16, 30, tzinfo=LONDON)
    assert effective.acknowledge.due_at(calendar, opened) == datetime(2025, 6, 12, 9, 30, tzinfo=LONDON)


def test_phone_case_on_friday_evening_is_due_24_hours_later_on_saturday(tenant):
    effective = policy_for(tenant=tenant, channel="phone")
    calendar = calendar_snapshot(tenant=tenant)
    opened = datetime(2025, 6, 13, 18, 0, tzinfo=LONDON)
    assert effective.acknowledge.due_at(calendar, opened) == datetime(2025, 6, 14, 18, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("duration", "basis", "words", "short"),
    [
        (4 * H, TimeBasis.BUSINESS, "4 business hours", "4h"),
        (H, TimeBasis.BUSINESS, "1 business hour", "1h"),
        (8 * H, TimeBasis.BUSINESS, "1 business day", "1d"),
        (80 * H, TimeBasis.BUSINESS, "10 business days", "10d"),
        (timedelta(minutes=90), TimeBasis.BUSINESS, "90 business minutes", "1h 30m"),
        (24 * H, TimeBasis.CALENDAR, "24 hours", "1d"),
        (48 * H, TimeBasis.CALENDAR, "2 days", "2d"),
        (12 * H, TimeBasis.BUSINESS, "12 business hours", "1d 4h"),
    ],
)
def test_durations_read_as_the_procedures_write_them(duration, basis, words, short):
    business = basis == TimeBasis.BUSINESS
    assert describe_duration(duration, business=business) == words
    assert format_duration_input(duration, business=business) == short
