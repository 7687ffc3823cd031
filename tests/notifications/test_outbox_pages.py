"""Staff pages of the outbox: the notification log, one notification, resend, the rules in Settings."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from apps.audit.models import AuditEvent
from apps.common.clock import now
from apps.notifications.outbox.models import (
    AttemptOutcome,
    Notification,
    NotificationAttempt,
    Suppression,
    TriggerRule,
)
from apps.notifications.outbox.models import NotificationStatus as S
from apps.notifications.outbox.selectors import notification_statuses_for_entries
from apps.tenants.models import Membership
from tests.conftest import client_for
from tests.notifications.outbox_fixtures import make_customer, queued_notifications

pytestmark = pytest.mark.django_db


def one(tenant, **fields):
    return queued_notifications(tenant, make_customer(tenant), 1, **fields)[0]


def test_the_log_lists_notifications_newest_first_and_filters_them(shop, actors):
    customer = make_customer(shop)
    queued_notifications(shop, customer, 1, status=S.SENT, created_at=now() - timedelta(days=3))
    queued_notifications(shop, customer, 1, channel="sms", status=S.FAILED)
    client = client_for(shop, actors.supervisor_a)

    everything = client.get("/app/notifications/")
    failed_sms = client.get("/app/notifications/", {"status": "failed", "channel": "sms"})
    older = client.get("/app/notifications/", {"created_to": (now() - timedelta(days=2)).date().isoformat()})

    assert everything.status_code == 200 and len(everything.context["page"].object_list) == 2
    assert [row.channel for row in failed_sms.context["page"].object_list] == ["sms"]
    assert [row.status for row in older.context["page"].object_list] == [S.SENT]


def test_a_bad_filter_value_is_ignored_not_an_error(shop, actors):
    one(shop)

    response = client_for(shop, actors.supervisor_a).get(
        "/app/notifications/", {"created_from": "not-a-date"}
    )

    assert response.status_code == 200 and len(response.context["page"].object_list) == 1


def test_agents_do_not_see_the_log_or_the_rules(shop, actors):
    client = client_for(shop, actors.agent_a)

    assert client.get("/app/notifications/").status_code == 404
    assert client.get("/app/settings/notifications/").status_code == 404


def test_a_notification_shows_its_content_and_attempts_and_the_view_is_audited(shop, actors):
    row = one(shop, status=S.SENT, attempts=2, html="<p>Hello <script>alert(1)</script></p>")
    NotificationAttempt.objects.create(
        tenant=shop, notification=row, number=1, outcome=AttemptOutcome.TRANSIENT, error_code="http_503",
        detail="Postmark answered 503", started_at=now(),
    )  # fmt: skip

    response = client_for(shop, actors.supervisor_a).get(f"/app/notifications/{row.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert row.text in page and "http_503" in page and "Postmark answered 503" in page
    assert 'sandbox=""' in page and "<script>alert(1)" not in page
    assert AuditEvent.objects.filter(
        tenant=shop, action="notification.viewed", target_id=str(row.pk)
    ).exists()


def test_another_tenants_notification_is_not_found(shop, actors):
    row = one(actors.tenant_b)

    assert client_for(shop, actors.supervisor_a).get(f"/app/notifications/{row.pk}/").status_code == 404


def test_a_failed_notification_can_be_sent_again_as_a_new_one(shop, actors, nudges):
    failed = one(shop, status=S.FAILED, last_error="Postmark answered 500")
    client = client_for(shop, actors.supervisor_a)

    response = client.post(f"/app/notifications/{failed.pk}/resend/")

    copy = Notification.objects.for_tenant(shop).get(resend_of=failed)
    assert response.status_code == 302 and response["Location"] == f"/app/notifications/{copy.pk}/"
    assert (copy.status, copy.channel, copy.to_address, copy.text) == (
        S.QUEUED, failed.channel, failed.to_address, failed.text,
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        tenant=shop, action="notification.resent", target_id=str(failed.pk)
    ).exists()
    again = client.post(f"/app/notifications/{failed.pk}/resend/", follow=True)
    assert "already sent again" in again.content.decode()
    assert Notification.objects.for_tenant(shop).filter(resend_of=failed).count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": S.SENT}, "Only a notification that failed"),
        ({"status": S.BOUNCED, "suppressed": True}, "suppression list"),
    ],
)
def test_resend_is_refused_when_it_cannot_help(shop, actors, fields, message):
    suppressed = fields.pop("suppressed", False)
    row = one(shop, **fields)
    if suppressed:
        Suppression.objects.create(tenant=shop, channel=row.channel, address=row.to_address, reason="bounced")

    response = client_for(shop, actors.supervisor_a).post(f"/app/notifications/{row.pk}/resend/", follow=True)

    assert message in response.content.decode()
    assert not Notification.objects.for_tenant(shop).filter(resend_of=row).exists()


def test_a_supervisor_edits_a_rule_in_settings(shop, actors):
    rule = TriggerRule.objects.for_tenant(shop).get(trigger="order.delayed")
    client = client_for(shop, actors.supervisor_a)

    page = client.get("/app/settings/notifications/")
    response = client.post(
        "/app/settings/notifications/",
        {"rule": rule.pk, f"rule-{rule.pk}-enabled": "on", f"rule-{rule.pk}-channels": ["voice", "sms"],
         f"rule-{rule.pk}-urgent": "on"},
    )  # fmt: skip

    assert page.status_code == 200 and "Delay notification" in page.content.decode()
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.enabled, rule.channels, rule.urgent) == (True, ["sms", "voice"], True)


def test_an_enabled_rule_without_channels_is_shown_again_with_the_error(shop, actors):
    rule = TriggerRule.objects.for_tenant(shop).get(trigger="order.shipped")

    response = client_for(shop, actors.admin_a).post(
        "/app/settings/notifications/", {"rule": rule.pk, f"rule-{rule.pk}-enabled": "on"}
    )

    assert response.status_code == 400 and "Choose at least one channel" in response.content.decode()
    rule.refresh_from_db()
    assert rule.channels == ["email", "sms", "portal"]


def test_another_tenants_rule_cannot_be_changed(shop, actors):
    TriggerRule.objects.create(tenant=actors.tenant_b, trigger="order.shipped", channels=["email"])
    foreign = TriggerRule.objects.for_tenant(actors.tenant_b).get()

    response = client_for(shop, actors.supervisor_a).post(
        "/app/settings/notifications/", {"rule": foreign.pk, f"rule-{foreign.pk}-enabled": ""}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.enabled


def test_the_delivery_badge_shows_the_latest_notification_of_an_entry(shop, actors):
    from apps.cases.services import case_reply
    from tests.cases.factories import CaseFactory

    case = CaseFactory(tenant=shop, customer=make_customer(shop))
    entry = case_reply(actor=actors.agent_a, case=case, body="On its way.", channel="email")
    badges = notification_statuses_for_entries(tenant=shop, entry_ids=[entry.pk])
    request = RequestFactory().get("/")
    request.membership = Membership.objects.for_tenant(shop).get(user=actors.supervisor_a)

    html = render_to_string(
        "notifications/_delivery_badge.html", {"badge": badges[entry.pk], "request": request}
    )

    assert (
        "badge-queued" in html
        and "Email" in html
        and f"/app/notifications/{badges[entry.pk].notification_id}/" in html
    )
