"""Preferences (with the consent log), orders, the portal inbox and data exports."""

import io
import json
import zipfile
from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.cases.models import CaseStatus
from apps.cases.services import case_add_note, case_reply, case_transition
from apps.common.clock import now
from apps.customers.models import ConsentEvent, Customer, OrderStatus
from apps.customers.services import order_transition
from apps.notifications.channels.base import OutboundMessage
from apps.notifications.models import PortalInboxMessage
from apps.notifications.services import portal_inbox_deliver
from apps.portal.models import DataExport, ExportStatus
from apps.portal.tasks import purge_expired_data_exports
from tests.cases.factories import CaseFactory
from tests.customers.factories import OrderFactory
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

PREFERENCES = {
    "channel_1": "sms",
    "channel_2": "email",
    "channel_3": "portal",
    "channel_4": "",
    "consent_email": "on",
    "consent_sms": "on",
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "07:30",
    "update_cadence": "weekly",
    "locale": "en",
    "time_zone": "Europe/London",
}


def test_preferences_are_saved_and_each_consent_change_reaches_the_consent_log(world):
    client = signed_in(world.customer)
    assert client.get("/portal/preferences/").status_code == 200

    response = client.post("/portal/preferences/", PREFERENCES)

    assert response.status_code == 302
    customer = Customer.objects.for_tenant(world.tenant_a).get(pk=world.customer.pk)
    assert customer.preferred_channels == ["sms", "email", "portal"]
    assert (customer.quiet_hours_start, customer.quiet_hours_end) == (time(21, 0), time(7, 30))
    assert customer.update_cadence == "weekly"
    logged = ConsentEvent.objects.for_tenant(world.tenant_a).filter(customer=customer, source="portal")
    # Email was granted already (no new row); SMS is newly granted; voice was never given (no row).
    assert [(event.channel, event.state, event.actor_type) for event in logged] == [
        ("sms", "granted", "customer")
    ]

    client.post("/portal/preferences/", {**PREFERENCES, "consent_email": ""})

    withdrawn = logged.filter(channel="email").get()
    assert withdrawn.state == "withdrawn" and withdrawn.actor_id == str(customer.pk)
    assert (
        AuditEvent.objects.for_tenant(world.tenant_a)
        .filter(action="customer.consent_changed", actor_id=str(customer.pk))
        .count()
        == 2
    )


def test_preferences_refuse_a_channel_chosen_twice_and_half_quiet_hours(world):
    response = signed_in(world.customer).post(
        "/portal/preferences/",
        {**PREFERENCES, "channel_2": "sms", "quiet_hours_end": ""},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose each way of reaching you only once." in page
    assert "Give both the start and the end of your quiet hours, or neither." in page


def test_choosing_german_switches_the_portal_to_german(world):
    client = signed_in(world.customer)

    client.post("/portal/preferences/", {**PREFERENCES, "locale": "de"})
    page = client.get("/portal/preferences/")

    assert page["Content-Language"] == "de"
    assert "Einstellungen" in page.content.decode()


def test_orders_show_status_history_carrier_and_tracking(world):
    order = OrderFactory(customer=world.customer, order_number="A-2001", shipping_postcode="SW1A 1AA")
    order = order_transition(
        actor=None,
        order=order,
        to_status=OrderStatus.SHIPPED,
        carrier="DHL",
        tracking_number="JD0146",
        tracking_url="https://track.example/JD0146",
        expected_delivery=(now() + timedelta(days=2)).date(),
    )
    client = signed_in(world.customer)

    listing = client.get("/portal/orders/").content.decode()
    page = client.get(f"/portal/orders/{order.pk}/").content.decode()

    assert "A-2001" in listing and "On its way" in listing
    assert "DHL" in page and "JD0146" in page and 'href="https://track.example/JD0146"' in page
    assert "Order placed" in page  # the history
    assert "Expected delivery" in page


def test_the_inbox_lists_the_customers_portal_messages_and_marks_them_read(world):
    message = portal_inbox_deliver(
        message=OutboundMessage(
            tenant_id=world.tenant_a.pk,
            channel="portal",
            to=str(world.customer.pk),
            subject="Your order shipped",
            text="It is on its way: https://track.example/1",
        ),
        customer_id=world.customer.pk,
    )
    client = signed_in(world.customer)

    listing = client.get("/portal/messages/").content.decode()
    page = client.get(f"/portal/messages/{message.pk}/").content.decode()

    assert "Your order shipped" in listing and 'class="count"' in listing
    assert '<a href="https://track.example/1"' in page
    assert PortalInboxMessage.objects.for_tenant(world.tenant_a).get().read_at is not None


@pytest.fixture
def history(world, media):
    """A customer with an order, a case with a reply and an internal note, and a rating."""
    order = OrderFactory(customer=world.customer, order_number="A-3001")
    case = CaseFactory(
        customer=world.customer,
        subject="Broken lamp",
        order=order,
        attachments=[SimpleUploadedFile("photo.pdf", b"%PDF-1.4 x", content_type="application/pdf")],
    )
    agent = world.actors.agent_a
    case_add_note(actor=agent, case=case, body="INTERNAL: goodwill up to 20 EUR")
    case_reply(actor=agent, case=case, body="A new lamp is on its way.", channel="portal")
    case_transition(actor=agent, case=case, to_status=CaseStatus.RESOLVED)
    signed_in(world.customer).post(f"/portal/cases/{case.reference}/rate/", {"rating": "5"})
    return case


def _request_export(world, django_capture_on_commit_callbacks):
    client = signed_in(world.customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/my-data/export/")
    assert response.status_code == 302
    return client, DataExport.objects.for_tenant(world.tenant_a).get()


def test_a_data_export_is_built_and_downloadable_by_its_owner_only(
    world, history, eager_tasks, django_capture_on_commit_callbacks
):
    client, export = _request_export(world, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY and export.size > 0
    assert "Download" in client.get("/portal/my-data/").content.decode()
    response = client.get(f"/portal/my-data/exports/{export.pk}/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["name"] == "Emma Clarke"
    assert [point["value"] for point in data["contact_points"]] == ["emma@example.test", "+447400123456"]
    assert data["orders"][0]["order_number"] == "A-3001"
    [case] = data["cases"]
    assert case["reference"] == history.reference
    assert "A new lamp is on its way." in [entry["text"] for entry in case["timeline"]]
    assert "INTERNAL" not in json.dumps(data)
    assert data["ratings"][0]["rating"] == 5
    assert f"attachments/{history.reference}/" in " ".join(archive.namelist())
    assert signed_in(world.neighbour).get(f"/portal/my-data/exports/{export.pk}/").status_code == 404
    actions = set(AuditEvent.objects.for_tenant(world.tenant_a).values_list("action", flat=True))
    assert {
        "portal.data_export_requested",
        "portal.data_export_ready",
        "portal.data_export_downloaded",
    } <= actions


def test_a_second_export_within_the_hour_is_refused(world, eager_tasks, django_capture_on_commit_callbacks):
    client, _ = _request_export(world, django_capture_on_commit_callbacks)

    response = client.post("/portal/my-data/export/", follow=True)

    assert "less than an hour ago" in response.content.decode()
    assert DataExport.objects.for_tenant(world.tenant_a).count() == 1


def test_expired_exports_are_deleted_and_no_longer_downloadable(
    world, media, eager_tasks, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    _, export = _request_export(world, django_capture_on_commit_callbacks)
    path = media / export.file.name
    assert path.exists()

    time_machine.move_to("2026-05-11 09:00:01Z", tick=False)
    assert signed_in(world.customer).get(f"/portal/my-data/exports/{export.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_data_exports() == 1

    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not path.exists()
