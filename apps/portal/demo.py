"""Portal demo customers (registered in seed_demo's DEMO_SEEDERS, after customers and cases).

Each demo tenant gets customers with known addresses to sign in as (the code arrives in the dev
outbox, /app/dev-outbox/): one who reads English and one who reads German, each with orders on
their way, cases in every state a customer meets (an agent's reply next to an internal note the
portal must hide, a question waiting for them, a solution to confirm, a rated closed case) and a
portal inbox message. Idempotent: a customer found by external id is left as it is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import OutputWrapper

from apps.cases.models import CaseKind, CaseStatus, SourceChannel
from apps.cases.services import (
    case_add_note,
    case_open,
    case_reply,
    case_transition,
)
from apps.common.clock import now
from apps.customers.models import Customer, OrderStatus
from apps.customers.selectors import customer_by_external_id
from apps.customers.services import customer_create, order_create, order_transition
from apps.feedback.models import CsatSource
from apps.feedback.services import csat_submit
from apps.notifications.channels.base import OutboundMessage
from apps.notifications.services import portal_inbox_deliver
from apps.tenants.models import Membership, Role, Tenant

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    email: str
    phone: str
    locale: str
    time_zone: str
    postcode: str
    texts: dict[str, str]


ENGLISH = {
    "damaged": "Lamp arrived with a cracked shade",
    "damaged_body": "The lamp from order {order} arrived today and the glass shade is cracked. "
    "Could you send a new shade, or should I return the whole lamp?",
    "damaged_reply": "I am sorry the shade arrived broken, {first}. A replacement shade is on its way "
    "today; you can keep or recycle the cracked one.",
    "note": "Courier damage claim filed with the carrier. Customer is a repeat buyer, be generous.",
    "resolved": "The replacement shade was delivered this morning. Is everything working now?",
    "address": "Change of delivery address",
    "address_body": "I have moved. Can future deliveries go to my new address?",
    "address_question": "Of course. Could you send us the new address and a phone number for the courier?",
    "invoice": "Invoice with my company name",
    "invoice_body": "Could I get the invoice for my last order with my company name on it?",
    "invoice_reply": "Here is the invoice with your company name. Thank you for asking!",
    "chair": "Office chair squeaks",
    "chair_body": "My new office chair squeaks whenever I lean back. Is that normal?",
    "inbox_subject": "Your spring order is on its way",
    "inbox_text": "Good news: order {order} has left our warehouse. Follow it any time in your portal.",
}
GERMAN = {
    "damaged": "Lampe mit gesprungenem Schirm geliefert",
    "damaged_body": "Die Lampe aus Bestellung {order} kam heute an, der Glasschirm ist gesprungen. "
    "Können Sie einen neuen Schirm schicken?",
    "damaged_reply": "Das tut uns leid, {first}. Ein neuer Schirm ist heute an Sie unterwegs.",
    "note": "Transportschaden beim Versanddienst gemeldet.",
    "resolved": "Der neue Schirm wurde heute Morgen zugestellt. Funktioniert jetzt alles?",
    "address": "Neue Lieferadresse",
    "address_body": "Ich bin umgezogen. Können künftige Lieferungen an die neue Adresse gehen?",
    "address_question": "Gern. Schicken Sie uns bitte die neue Adresse und eine Telefonnummer.",
    "invoice": "Rechnung auf meine Firma",
    "invoice_body": "Kann ich die Rechnung meiner letzten Bestellung auf meine Firma bekommen?",
    "invoice_reply": "Anbei die Rechnung auf Ihre Firma. Danke für Ihre Nachricht!",
    "chair": "Bürostuhl quietscht",
    "chair_body": "Mein neuer Bürostuhl quietscht beim Zurücklehnen. Ist das normal?",
    "inbox_subject": "Ihre Bestellung ist unterwegs",
    "inbox_text": "Gute Nachricht: Bestellung {order} hat unser Lager verlassen.",
}

PERSONAS = (
    Persona(
        "emma", "Emma Clarke", "emma.clarke@example.com", "+447400123456", "en",
        "Europe/London", "SW1A 1AA", ENGLISH,
    ),
    Persona(
        "anna", "Anna Schmidt", "anna.schmidt@example.de", "+4915123456789", "de",
        "Europe/Berlin", "10115", GERMAN,
    ),
)  # fmt: skip


def _agent(tenant: Tenant):
    membership = (
        Membership.objects.for_tenant(tenant)
        .filter(is_active=True, role=Role.AGENT)
        .select_related("user")
        .order_by("user__email")
        .first()
    ) or Membership.objects.for_tenant(tenant).filter(is_active=True).select_related("user").first()
    return membership.user if membership else None


def _orders(tenant: Tenant, customer: Customer, persona: Persona) -> list:
    prefix = f"{tenant.slug.upper()}-{persona.key.upper()}"
    delivered = order_create(
        tenant=tenant, actor=None, customer=customer, order_number=f"{prefix}-1001",
        items_summary="1 x Walnut desk lamp", total="89.90", currency="EUR",
        shipping_postcode=persona.postcode, placed_at=now() - timedelta(days=12),
    )  # fmt: skip
    order_transition(actor=None, order=delivered, to_status=OrderStatus.CONFIRMED)
    order_transition(
        actor=None, order=delivered, to_status=OrderStatus.SHIPPED, carrier="DHL",
        tracking_number="JD014600003828", tracking_url="https://www.dhl.com/track?id=JD014600003828",
        expected_delivery=(now() - timedelta(days=8)).date(),
    )  # fmt: skip
    order_transition(actor=None, order=delivered, to_status=OrderStatus.DELIVERED)
    shipped = order_create(
        tenant=tenant, actor=None, customer=customer, order_number=f"{prefix}-1002",
        items_summary="2 x Linen cushion cover (sand)\n1 x Wool throw, charcoal", total="74.50",
        currency="EUR", shipping_postcode=persona.postcode, placed_at=now() - timedelta(days=2),
    )  # fmt: skip
    order_transition(actor=None, order=shipped, to_status=OrderStatus.CONFIRMED)
    order_transition(
        actor=None, order=shipped, to_status=OrderStatus.SHIPPED, carrier="DPD",
        tracking_number="01234567890123", tracking_url="https://tracking.dpd.de/parcelstatus?query=01234567890123",
        expected_delivery=(now() + timedelta(days=1)).date(),
    )  # fmt: skip
    delayed = order_create(
        tenant=tenant, actor=None, customer=customer, order_number=f"{prefix}-1003",
        items_summary="1 x Ergonomic office chair", total="349.00", currency="EUR",
        shipping_postcode=persona.postcode, placed_at=now() - timedelta(days=5),
    )  # fmt: skip
    order_transition(
        actor=None, order=delayed, to_status=OrderStatus.DELAYED,
        reason="One part is back-ordered from our supplier",
        expected_delivery=(now() + timedelta(days=6)).date(),
    )  # fmt: skip
    return [delivered, shipped, delayed]


def _cases(tenant: Tenant, customer: Customer, persona: Persona, orders: list) -> None:
    agent = _agent(tenant)
    text = persona.texts
    fill = {"order": orders[0].order_number, "first": customer.first_name}

    def opened(subject: str, body: str, kind: str, order=None, files=()):
        return case_open(
            tenant=tenant, actor=customer, customer=customer, subject=subject, description=body,
            kind=kind, source_channel=SourceChannel.PORTAL, order=order, attachments=files,
        )  # fmt: skip

    # A solution waiting for the customer's confirmation, with an internal note the portal hides.
    photo = SimpleUploadedFile("shade-photo.pdf", PDF, content_type="application/pdf")
    case = opened(
        text["damaged"], text["damaged_body"].format(**fill), CaseKind.COMPLAINT, orders[0], [photo]
    )
    case = case_transition(actor=agent, case=case, to_status=CaseStatus.IN_PROGRESS)
    case_add_note(actor=agent, case=case, body=text["note"])
    case_reply(actor=agent, case=case, body=text["damaged_reply"].format(**fill), channel="portal")
    case_reply(actor=agent, case=case, body=text["resolved"], channel="portal")
    case_transition(actor=agent, case=case, to_status=CaseStatus.RESOLVED, reason="Replacement delivered.")

    # A question waiting for the customer's reply.
    case = opened(text["address"], text["address_body"], CaseKind.SERVICE_REQUEST)
    case = case_transition(actor=agent, case=case, to_status=CaseStatus.IN_PROGRESS)
    case_reply(actor=agent, case=case, body=text["address_question"], channel="portal")
    case_transition(actor=agent, case=case, to_status=CaseStatus.PENDING_CUSTOMER)

    # Closed and rated.
    case = opened(text["invoice"], text["invoice_body"], CaseKind.INQUIRY, orders[0])
    case = case_transition(actor=agent, case=case, to_status=CaseStatus.IN_PROGRESS)
    invoice = SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")
    case_reply(actor=agent, case=case, body=text["invoice_reply"], channel="portal", attachments=[invoice])
    case = case_transition(actor=agent, case=case, to_status=CaseStatus.RESOLVED)
    case = case_transition(actor=customer, case=case, to_status=CaseStatus.CLOSED, reason="Confirmed.")
    csat_submit(actor=customer, case=case, rating=5, source=CsatSource.PORTAL)

    # Just in.
    opened(text["chair"], text["chair_body"], CaseKind.INQUIRY, orders[2])


def seed(*, tenant: Tenant, stdout: OutputWrapper) -> None:
    for persona in PERSONAS:
        external_id = f"portal-demo-{persona.key}"
        if customer_by_external_id(tenant=tenant, external_id=external_id) is not None:
            continue
        customer = customer_create(
            tenant=tenant, actor=None, name=persona.name, emails=[persona.email], phones=[persona.phone],
            locale=persona.locale, time_zone=persona.time_zone, external_id=external_id,
            preferred_channels=["email", "portal"], consents={"email": True, "sms": True},
        )  # fmt: skip
        orders = _orders(tenant, customer, persona)
        _cases(tenant, customer, persona, orders)
        portal_inbox_deliver(
            message=OutboundMessage(
                tenant_id=tenant.pk,
                channel="portal",
                to=str(customer.pk),
                subject=persona.texts["inbox_subject"],
                text=persona.texts["inbox_text"].format(order=orders[1].order_number),
                idempotency_key=f"portal-demo-inbox-{customer.pk}",
            ),
            customer_id=customer.pk,
        )
        stdout.write(f"  portal demo customer {persona.email} / {persona.phone} ({tenant.slug})")
