"""Demo teams and cases (registered in seed_demo's DEMO_SEEDERS, after apps.customers.demo).

About two hundred cases in every status and kind, worked by the tenant's agents through the real
services (so timelines, audit events and search vectors are what the product makes), then spread
over the last weeks so the queue looks lived in. Idempotent: teams are found by name, and cases
are only created for a tenant that has none.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.management.base import OutputWrapper

from apps.accounts.models import User
from apps.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    EntryKind,
    Priority,
    SourceChannel,
    Team,
    TimelineEntry,
)
from apps.cases.services import (
    case_add_note,
    case_assign,
    case_change_team,
    case_customer_message,
    case_escalate,
    case_open,
    case_reply,
    case_set_tags,
    case_transition,
    team_add_member,
    team_create,
)
from apps.common.clock import now
from apps.customers.models import Customer
from apps.tenants.models import Membership, Role, Tenant

S = CaseStatus
# How many cases rest in each status (about 200 in all).
PLAN = {
    S.NEW: 20,
    S.ACKNOWLEDGED: 15,
    S.IN_PROGRESS: 45,
    S.PENDING_CUSTOMER: 25,
    S.RESOLVED: 25,
    S.CLOSED: 55,
    S.REOPENED: 15,
}
TEAMS = [
    ("Orders & Delivery", "Where-is-my-order, delays, carriers."),
    ("Billing", "Payments, refunds, invoices."),
    ("Returns", "Returns, exchanges, damaged goods."),
    ("Customer Care", "Complaints and feedback follow-ups."),
]
TEAM_FOR_KIND = {
    CaseKind.INQUIRY: "Orders & Delivery",
    CaseKind.COMPLAINT: "Customer Care",
    CaseKind.SERVICE_REQUEST: "Returns",
    CaseKind.FEEDBACK_FOLLOWUP: "Customer Care",
}
CHANNELS = [
    SourceChannel.EMAIL,
    SourceChannel.PORTAL,
    SourceChannel.PHONE,
    SourceChannel.EMAIL,
    SourceChannel.SMS,
    SourceChannel.CHAT,
    SourceChannel.API,
    SourceChannel.AGENT,
]
INBOUND_CHANNEL = {
    SourceChannel.EMAIL: "email",
    SourceChannel.PORTAL: "portal",
    SourceChannel.SMS: "sms",
    SourceChannel.CHAT: "chat",
    SourceChannel.API: "api",
    SourceChannel.PHONE: "phone",
    SourceChannel.AGENT: "phone",
}


@dataclass(frozen=True)
class Story:
    subject: str
    opening: str
    question: str
    answer: str
    resolution: str
    note: str
    relapse: str


STORIES: dict[str, list[Story]] = {
    CaseKind.INQUIRY: [
        Story(
            "Where is my order {order}?",
            "Hello, I ordered {order} ten days ago and still have no shipping confirmation. Can you check?",
            "Could you confirm the delivery postcode on the order, please?",
            "It is the one on file, nothing changed.",
            "Your parcel left our warehouse today with {carrier}; the tracking link is in your account.",
            "Warehouse confirms it was held back by a stock check; released this morning.",
            "The tracking has not moved for three days now.",
        ),
        Story(
            "Do you deliver to Jersey?",
            "Hi! Before I order: do you ship to the Channel Islands, and what does it cost?",
            "Which items are you interested in? Large furniture ships differently.",
            "Only the linen cushion covers and two mugs.",
            "Yes, we deliver to Jersey for a flat £6.95; small items arrive in 3 to 5 working days.",
            "Checked the carrier matrix: Royal Mail covers JE postcodes.",
            "Checkout still says you cannot ship to my postcode.",
        ),
        Story(
            "Can I change the delivery address for {order}?",
            "I am moving next week. Can the delivery of {order} go to my new address instead?",
            "Please send us the full new address, including the postcode.",
            "14 Harbour Street, Flat 2 — postcode on the form I just filled in.",
            "Done: {order} will go to the new address. You will get a confirmation by email.",
            "Address changed in the order system before dispatch; no re-routing fee.",
            "The confirmation still shows the old address.",
        ),
        Story(
            "Is the oak bookshelf back in stock?",
            "The 5-tier oak bookshelf has been out of stock for weeks. Any idea when it is back?",
            "Would you like us to reserve one for you when the delivery arrives?",
            "Yes please, reserve one.",
            "One is reserved in your name; stock arrives Thursday and we will ship the same day.",
            "Supplier ETA Thursday per purchasing; reservation flag set.",
            "It shows out of stock again and my reservation is gone.",
        ),
    ],
    CaseKind.COMPLAINT: [
        Story(
            "Lamp arrived with a cracked shade",
            "The walnut desk lamp from {order} arrived today with the glass shade cracked. Disappointing.",
            "I am sorry. Could you send a photo of the shade and of the box it came in?",
            "Photos attached in the portal — the box was dented on one corner.",
            "A replacement lamp is on its way with {carrier}; no need to return the broken one.",
            "Packaging issue; flagged to the warehouse lead. Replacement approved without return.",
            "The replacement arrived with the same crack. This is the second time.",
        ),
        Story(
            "Charged twice for {order}",
            "My card statement shows two payments for {order}. Please refund the duplicate.",
            "Could you tell us the last four digits of the card and the dates of both charges?",
            "Ending 4411, both on the 3rd.",
            "We have refunded the duplicate payment; it reaches your card within 3 to 5 working days.",
            "Payment provider shows a retry after a timeout; duplicate captured. Refund issued.",
            "Still no refund after a week.",
        ),
        Story(
            "Parcel left in the rain",
            "The courier left my parcel on the doorstep in the rain; the cushion covers are soaked.",
            "Are the covers damaged, or just wet? A photo would help.",
            "Stained — the dye ran.",
            "We are sending new covers and have raised this with the courier.",
            "Carrier complaint filed, ref CC-2291.",
            "Same courier, same doorstep, again.",
        ),
    ],
    CaseKind.SERVICE_REQUEST: [
        Story(
            "Please cancel {order}",
            "I ordered twice by mistake. Please cancel {order}.",
            "Can you confirm you want to cancel the whole order, not only one item?",
            "Yes, the whole order.",
            "{order} is cancelled and the payment released.",
            "Cancelled before picking; no restocking needed.",
            "I was still charged for the cancelled order.",
        ),
        Story(
            "Return label for {order}",
            "The chair does not fit under my desk. How do I return it?",
            "Is the chair in its original box? Large items need a collection slot.",
            "Yes, still boxed. Tuesdays work best.",
            "A collection is booked for Tuesday between 8:00 and 12:00; the label is in your email.",
            "Collection booked with the 2-man carrier.",
            "Nobody came on Tuesday.",
        ),
        Story(
            "Update my billing address",
            "Please update the billing address on my account; I moved last month.",
            "Please confirm the new address in the portal form so we can verify it.",
            "Done, submitted in the portal.",
            "Your billing address is updated for future orders.",
            "Verified against the portal submission.",
            "The invoice for my new order still shows the old address.",
        ),
    ],
    CaseKind.FEEDBACK_FOLLOWUP: [
        Story(
            "Follow-up on your 2-star rating",
            "Rated 2/5: the delivery took much longer than promised and nobody told me why.",
            "Thank you for telling us. Was it the delay itself or the lack of updates that hurt most?",
            "The lack of updates. I had to chase you twice.",
            "We have changed how we send delay notices so you hear from us first. A voucher is on its way.",
            "Negative CSAT follow-up within 1 business day per procedure.",
            "The voucher code does not work.",
        ),
        Story(
            "Your feedback on the assembly service",
            "Rated 3/5: the fitter was friendly but arrived two hours late.",
            "Sorry about the wait. Did anyone call ahead to tell you about the delay?",
            "No call at all.",
            "We have asked our fitters to call when running late and refunded the assembly fee.",
            "Fitter partner informed; refund of assembly fee approved by supervisor.",
            "The refund has not arrived.",
        ),
    ],
}
TAGS = ["vip", "repeat-contact", "damaged", "refund", "carrier", "stock", "priority-customer"]


def _teams(tenant: Tenant, staff: list[User]) -> dict[str, Team]:
    teams = {}
    for index, (name, description) in enumerate(TEAMS):
        team = Team.objects.for_tenant(tenant).filter(name=name).first()
        if team is None:
            team = team_create(tenant=tenant, actor=None, name=name, description=description)
            # Each agent is in two teams, so every team has people and the visibility rule shows.
            for position, user in enumerate(staff):
                if position % len(TEAMS) in (index, (index + 1) % len(TEAMS)):
                    team_add_member(actor=None, team=team, user=user)
        teams[name] = team
    return teams


def _staff(tenant: Tenant) -> tuple[list[User], list[User]]:
    memberships = Membership.objects.for_tenant(tenant).filter(is_active=True).select_related("user")
    members = sorted(memberships, key=lambda membership: membership.user.email)
    agents = [m.user for m in members if m.role == Role.AGENT]
    leads = [m.user for m in members if m.role != Role.AGENT]
    return agents or leads, leads or agents


def _work(
    case: Case, story: Story, target: str, *, agent: User, lead: User, rng: random.Random, fill: dict
) -> Case:
    """Take a freshly opened case through the real services to `target`."""
    opened_by_phone = case.source_channel in (SourceChannel.PHONE, SourceChannel.AGENT)
    if opened_by_phone:
        case_add_note(actor=agent, case=case, body=f"Customer called: {story.opening.format(**fill)}")
    else:
        case_customer_message(
            case=case, body=story.opening.format(**fill), channel=INBOUND_CHANNEL[case.source_channel]
        )
    if target == S.NEW:
        return case
    case = case_transition(actor=agent, case=case, to_status=S.ACKNOWLEDGED)
    first = fill["first"]
    case_reply(
        actor=agent,
        case=case,
        body=f"Thank you, {first}. We have your request as {case.reference} and will update you within one "
        "business day.",
    )
    if target == S.ACKNOWLEDGED:
        return case
    case = case_assign(actor=lead, case=case, assignee=agent)
    case = case_transition(actor=agent, case=case, to_status=S.IN_PROGRESS)
    case_add_note(actor=agent, case=case, body=story.note.format(**fill))
    if case.kind == CaseKind.COMPLAINT and rng.random() < 0.35:
        case = case_escalate(
            actor=agent, case=case, reason="Second contact about the same problem; customer upset."
        )
    if target == S.IN_PROGRESS:
        return case
    case_reply(actor=agent, case=case, body=story.question.format(**fill))
    case = case_transition(actor=agent, case=case, to_status=S.PENDING_CUSTOMER)
    if target == S.PENDING_CUSTOMER:
        return case
    case = case_customer_message(case=case, body=story.answer.format(**fill), channel="email").case
    case_reply(actor=agent, case=case, body=story.resolution.format(**fill))
    case = case_transition(actor=agent, case=case, to_status=S.RESOLVED, reason="Resolution sent.")
    if target == S.CLOSED:
        reason = rng.choice(["Customer confirmed it is solved.", "No response within 7 days."])
        return case_transition(actor=None, case=case, to_status=S.CLOSED, reason=reason)
    if target == S.REOPENED:
        return case_customer_message(case=case, body=story.relapse.format(**fill), channel="email").case
    return case


def _spread_over_time(case: Case, opened_at: datetime, rng: random.Random) -> None:
    """Move the case's history from seed time to a believable pace starting at `opened_at`, and
    set the milestones from it. Demo history predates the notification pipeline, so nothing in it
    is left waiting for delivery."""
    entries = list(TimelineEntry.objects.for_tenant(case.tenant_id).filter(case=case).order_by("seq"))
    moment, latest = opened_at, now()
    for entry in entries:
        entry.created_at = min(moment, latest)
        entry.pending_delivery = False
        moment += timedelta(minutes=rng.choice([4, 20, 45, 90, 180, 300, 900, 1500]))
    TimelineEntry.objects.for_tenant(case.tenant_id).bulk_update(entries, ["created_at", "pending_delivery"])

    def first(kind: str, **data: str) -> datetime | None:
        hits = [
            e.created_at
            for e in entries
            if e.kind == kind and all(e.data.get(k) == v for k, v in data.items())
        ]
        return hits[0] if hits else None

    def last_status(status: str) -> datetime | None:
        hits = [
            e.created_at
            for e in entries
            if e.kind == EntryKind.STATUS_CHANGE and e.data["to_status"] == status
        ]
        return hits[-1] if hits else None

    Case.objects.for_tenant(case.tenant_id).filter(pk=case.pk).update(
        created_at=opened_at,
        updated_at=entries[-1].created_at,
        last_activity_at=entries[-1].created_at,
        acknowledged_at=first(EntryKind.STATUS_CHANGE, from_status=S.NEW),
        first_response_at=first(EntryKind.MESSAGE_OUT),
        resolved_at=last_status(S.RESOLVED) if case.status in (S.RESOLVED, S.CLOSED) else None,
        closed_at=last_status(S.CLOSED) if case.status == S.CLOSED else None,
    )


def seed(*, tenant: Tenant, stdout: OutputWrapper) -> None:
    rng = random.Random(f"cases:{tenant.slug}")  # noqa: S311  (demo data, not security)
    agents, leads = _staff(tenant)
    teams = _teams(tenant, agents)
    if Case.objects.for_tenant(tenant).exists():
        stdout.write(f"  {tenant.slug}: cases exist, left as they are")
        return
    customers = list(
        Customer.objects.for_tenant(tenant)
        .prefetch_related("orders", "contact_points", "consents")
        .order_by("id")
    )
    if not customers or not agents:
        stdout.write(f"  {tenant.slug}: no customers or staff, no demo cases")
        return
    # A workspace with one person to work it (globex: its admin) gets a fifth of the cases.
    share = 1 if len(agents) > 1 else 5
    targets = [status for status, count in PLAN.items() for _ in range(max(1, count // share))]
    rng.shuffle(targets)
    kinds = list(STORIES)
    for index, target in enumerate(targets):
        kind = kinds[index % len(kinds)]
        story = STORIES[kind][(index // len(kinds)) % len(STORIES[kind])]
        customer = customers[(index * 7) % len(customers)]
        orders = list(customer.orders.all())
        order = orders[index % len(orders)] if orders and "{order}" in story.subject + story.opening else None
        fill = {
            "order": order.order_number if order else "your order",
            "carrier": (order.carrier if order and order.carrier else "DHL"),
            "first": customer.first_name,
        }
        agent, lead = agents[index % len(agents)], leads[index % len(leads)]
        priority = Priority.URGENT if index % 23 == 0 else Priority.HIGH if kind == CaseKind.COMPLAINT else (
            Priority.LOW if index % 5 == 0 else Priority.NORMAL
        )  # fmt: skip
        channel = CHANNELS[index % len(CHANNELS)]
        case = case_open(
            tenant=tenant,
            actor=agent if channel in (SourceChannel.PHONE, SourceChannel.AGENT) else None,
            customer=customer,
            subject=story.subject.format(**fill),
            description=story.opening.format(**fill),
            kind=kind,
            source_channel=channel,
            priority=priority,
            team=teams[TEAM_FOR_KIND[kind]] if index % 4 else None,
            order=order,
        )
        if index % 6 == 0:
            case = case_set_tags(actor=agent, case=case, tags=rng.sample(TAGS, k=2))
        case = _work(case, story, target, agent=agent, lead=lead, rng=rng, fill=fill)
        if kind == CaseKind.INQUIRY and index % 9 == 0 and case.is_open:
            case_change_team(
                actor=agent, case=case, team=teams["Billing"], note="Payment question, Billing owns it."
            )
        # Open cases are recent; finished ones reach back up to eight weeks.
        days_back = rng.uniform(0.05, 6) if case.is_open else rng.uniform(7, 56)
        _spread_over_time(case, now() - timedelta(days=days_back), rng)
    stdout.write(f"  {tenant.slug}: {len(teams)} teams, {len(targets)} cases")
