import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.audit.models import AuditEvent
from apps.cases.exceptions import ConflictError
from apps.cases.models import AuthorKind, Case, CaseStatus, EntryKind, Priority, Visibility
from apps.cases.services import (
    case_add_note,
    case_assign,
    case_change_team,
    case_customer_message,
    case_escalate,
    case_link_order,
    case_open,
    case_reply,
    case_set_priority,
    case_set_tags,
    case_transition,
    case_update_details,
    timeline_entry_link_notification,
)
from apps.common.domain_events import DomainEvent
from apps.customers.services import consent_set
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

published: list[DomainEvent] = []


def record_event(event: DomainEvent) -> None:
    published.append(event)


@pytest.fixture
def events(settings):
    """Domain events published during the test, through the real settings-configured hand-off."""
    published.clear()
    settings.DOMAIN_EVENT_HANDLERS = ["tests.cases.test_case_services.record_event"]
    return published


@pytest.fixture
def case(actors):
    return CaseFactory(customer__tenant=actors.tenant_a, subject="Parcel missing")


def test_opening_a_case_gives_it_the_next_reference_and_an_opened_entry(actors, events):
    customer = CustomerFactory(tenant=actors.tenant_a)
    first = case_open(tenant=actors.tenant_a, actor=actors.agent_a, customer=customer, subject="Where is it?")
    second = case_open(tenant=actors.tenant_a, actor=actors.agent_a, customer=customer, subject="And this?")
    assert first.reference == "ALPHA-1001"
    assert second.reference == "ALPHA-1002"
    entry = first.timeline.get()
    assert (entry.kind, entry.visibility, entry.author_user) == (
        EntryKind.SYSTEM,
        Visibility.CUSTOMER,
        actors.agent_a,
    )
    assert [event.name for event in events] == ["customer.created", "case.opened", "case.opened"]
    assert events[1].case_id == first.pk and events[1].customer_id == customer.pk
    assert AuditEvent.objects.for_tenant(actors.tenant_a).filter(action="case.opened").count() == 2


def test_references_are_counted_per_tenant(actors):
    a = CaseFactory(customer__tenant=actors.tenant_a)
    b = CaseFactory(customer__tenant=actors.tenant_b)
    assert (a.reference, b.reference) == ("ALPHA-1001", "BETA-1001")


def test_a_case_cannot_link_another_customers_order(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    order_of_someone_else = OrderFactory(customer__tenant=actors.tenant_a)
    with pytest.raises(ValidationError, match="another customer"):
        case_open(
            tenant=actors.tenant_a, actor=None, customer=customer, subject="x", order=order_of_someone_else
        )


def test_a_stale_version_is_a_conflict_and_changes_nothing(actors, case):
    moved = case_transition(
        actor=actors.agent_a, case=case, to_status=CaseStatus.ACKNOWLEDGED, expected_version=1
    )
    assert moved.version == 2
    with pytest.raises(ConflictError) as conflict:
        case_set_priority(actor=actors.supervisor_a, case=case, priority=Priority.URGENT, expected_version=1)
    assert conflict.value.current_version == 2
    assert "changed by someone else" in str(conflict.value)
    case.refresh_from_db()
    assert case.priority == Priority.NORMAL and case.version == 2


def test_every_change_raises_the_version(actors, case):
    versions = [case.version]
    for change in (
        lambda c: case_assign(actor=None, case=c, assignee=actors.agent_a),
        lambda c: case_set_priority(actor=None, case=c, priority=Priority.HIGH),
        lambda c: case_set_tags(actor=None, case=c, tags=["vip"]),
        lambda c: case_escalate(actor=None, case=c, reason="Angry"),
        lambda c: case_add_note(actor=None, case=c, body="note").case,
        lambda c: case_reply(actor=None, case=c, body="hello").case,
        lambda c: case_customer_message(case=c, body="thanks", channel="email").case,
    ):
        case = change(case)
        versions.append(case.version)
    assert versions == list(range(1, 9))


def test_timeline_is_one_ordered_stream(actors, case, time_machine):
    time_machine.move_to("2026-05-01 10:00:00Z", tick=False)
    case_add_note(actor=actors.agent_a, case=case, body="first")
    case_reply(actor=actors.agent_a, case=case, body="second")
    case_customer_message(case=case, body="third", channel="email")
    case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.IN_PROGRESS)
    entries = list(case.timeline.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5]
    assert [entry.kind for entry in entries] == [
        EntryKind.SYSTEM,
        EntryKind.NOTE,
        EntryKind.MESSAGE_OUT,
        EntryKind.MESSAGE_IN,
        EntryKind.STATUS_CHANGE,
    ]
    case.refresh_from_db()
    assert case.timeline_seq == 5


def test_assigning_records_who_and_refuses_strangers(actors, case, events):
    case = case_assign(actor=actors.supervisor_a, case=case, assignee=actors.agent_a)
    assert case.assignee == actors.agent_a
    entry = case.timeline.get(kind=EntryKind.ASSIGNMENT)
    assert entry.data == {"from_user_id": None, "to_user_id": actors.agent_a.pk}
    assert events[-1].name == "case.assigned"
    with pytest.raises(ValidationError, match="not an active member"):
        case_assign(actor=None, case=case, assignee=actors.staff_b)
    with pytest.raises(ValidationError):
        case_assign(actor=None, case=case, assignee=UserFactory())
    case = case_assign(actor=None, case=case, assignee=None)
    assert case.assignee is None


def test_handing_over_to_a_team_tells_the_customer_through_a_pending_entry(actors, case, events):
    billing = TeamFactory(tenant=actors.tenant_a, name="Billing")
    case = case_assign(actor=None, case=case, assignee=actors.agent_a)
    case = case_change_team(actor=actors.agent_a, case=case, team=billing, note="Refund question")
    assert case.team == billing
    assert case.assignee is None, "the agent is not in Billing, so the case goes to Billing's pool"
    internal = case.timeline.get(kind=EntryKind.TEAM_CHANGE)
    assert internal.visibility == Visibility.INTERNAL and internal.body == "Refund question"
    handover = case.timeline.get(kind=EntryKind.CUSTOMER_UPDATE)
    assert handover.visibility == Visibility.CUSTOMER
    assert handover.pending_delivery is True
    assert handover.direction == "out" and handover.channel == "email"
    assert "Billing" in handover.body and case.reference in handover.body
    assert events[-1].name == "case.team_changed" and events[-1].data["entry_id"] == handover.pk


def test_handing_over_keeps_an_assignee_who_is_in_the_new_team(actors, case):
    team = add_to_team(TeamFactory(tenant=actors.tenant_a), actors.agent_a)
    case = case_assign(actor=None, case=case, assignee=actors.agent_a)
    case = case_change_team(actor=None, case=case, team=team)
    assert case.assignee == actors.agent_a


def test_another_tenants_team_is_refused(actors, case):
    with pytest.raises(ValidationError, match="No such team"):
        case_change_team(actor=None, case=case, team=TeamFactory(tenant=actors.tenant_b))


def test_escalation_raises_the_level_with_a_reason(actors, case, events):
    case = case_escalate(actor=actors.agent_a, case=case, reason="Customer threatens to cancel")
    case = case_escalate(actor=actors.agent_a, case=case, reason="Still nothing")
    assert case.escalation_level == 2
    entry = case.timeline.filter(kind=EntryKind.ESCALATION).last()
    assert entry.data == {"level": 2, "trigger": "manual"} and entry.body == "Still nothing"
    assert events[-1].name == "case.escalated"
    with pytest.raises(ValidationError, match="why"):
        case_escalate(actor=None, case=case, reason="  ")


def test_a_closed_case_cannot_be_escalated(actors, case):
    Case.objects.for_tenant(actors.tenant_a).filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError, match="open case"):
        case_escalate(actor=None, case=case, reason="late")


def test_reply_defaults_to_the_first_preferred_channel_with_consent(actors, events):
    customer = CustomerFactory(
        tenant=actors.tenant_a,
        phones=["+4915112345678"],
        preferred_channels=["sms", "email", "portal"],
        consents={"email": True, "sms": False},
    )
    case = CaseFactory(customer=customer)
    entry = case_reply(actor=actors.agent_a, case=case, body="We are on it")
    assert entry.channel == "email", "no SMS consent, so the next preferred channel"
    assert entry.pending_delivery and entry.visibility == Visibility.CUSTOMER
    assert entry.case.first_response_at == entry.created_at
    consent_set(actor=None, customer=customer, channel="sms", granted=True, source="agent")
    assert case_reply(actor=actors.agent_a, case=case, body="Update").channel == "sms"
    assert [event.name for event in events if event.name == "case.replied"] == [
        "case.replied",
        "case.replied",
    ]
    assert events[-1].data["first_response"] is False


def test_reply_falls_back_to_the_portal_when_nothing_else_is_reachable(actors):
    customer = CustomerFactory(tenant=actors.tenant_a, consents={}, preferred_channels=["email"])
    entry = case_reply(actor=None, case=CaseFactory(customer=customer), body="Hello")
    assert entry.channel == "portal"


def test_reply_refuses_a_channel_without_consent(actors, case):
    with pytest.raises(ValidationError, match="cannot be reached by SMS"):
        case_reply(actor=actors.agent_a, case=case, body="hi", channel="sms")


def test_a_logged_phone_call_is_not_waiting_for_delivery(actors, case):
    entry = case_reply(actor=actors.agent_a, case=case, body="Called, explained the delay", channel="phone")
    assert entry.pending_delivery is False


def test_a_note_is_internal(actors, case):
    entry = case_add_note(actor=actors.agent_a, case=case, body="Customer is a reseller")
    assert entry.visibility == Visibility.INTERNAL and entry.kind == EntryKind.NOTE
    assert entry.author_kind == AuthorKind.AGENT


def test_a_customer_reply_resumes_a_pending_case_and_reopens_a_resolved_one(actors, case, events):
    case = case_transition(actor=None, case=case, to_status=CaseStatus.PENDING_CUSTOMER)
    entry = case_customer_message(case=case, body="Here is the photo", channel="portal")
    assert entry.author_customer == case.customer and entry.author_kind == AuthorKind.CUSTOMER
    assert entry.case.status == CaseStatus.IN_PROGRESS
    case = case_transition(actor=None, case=entry.case, to_status=CaseStatus.RESOLVED)
    entry = case_customer_message(case=case, body="Still broken", channel="email")
    assert entry.case.status == CaseStatus.REOPENED
    assert [event.name for event in events][-2:] == ["case.customer_message", "case.status_changed"]


def test_a_closed_case_takes_no_more_customer_messages(actors, case):
    Case.objects.for_tenant(actors.tenant_a).filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError, match="follow-up"):
        case_customer_message(case=case, body="hello?", channel="email")


def test_linking_an_order_of_the_customer(actors, case):
    order = OrderFactory(customer=case.customer)
    case = case_link_order(actor=None, case=case, order=order)
    assert case.order == order
    with pytest.raises(ValidationError, match="another customer"):
        case_link_order(actor=None, case=case, order=OrderFactory(customer__tenant=actors.tenant_a))


def test_tags_are_normalised(actors, case):
    case = case_set_tags(actor=None, case=case, tags=["VIP", "late delivery", "vip"])
    assert case.tags == ["vip", "late-delivery"]
    with pytest.raises(ValidationError, match="not a usable tag"):
        case_set_tags(actor=None, case=case, tags=["no/slashes"])


def test_priority_must_be_known(actors, case):
    with pytest.raises(ValidationError, match="not a priority"):
        case_set_priority(actor=None, case=case, priority="asap")


def test_details_can_be_corrected_but_not_anything_else(actors, case):
    case = case_update_details(actor=None, case=case, changes={"subject": "Parcel lost", "kind": "complaint"})
    assert (case.subject, case.kind) == ("Parcel lost", "complaint")
    with pytest.raises(ValidationError):
        case_update_details(actor=None, case=case, changes={"status": "closed"})


def test_the_notification_pipeline_can_take_over_a_pending_entry(actors, case):
    entry = case_reply(actor=None, case=case, body="Hello")
    timeline_entry_link_notification(entry=entry, notification_id=77)
    entry.refresh_from_db()
    assert (entry.notification_id, entry.pending_delivery) == (77, False)


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_attachments_are_stored_within_size_and_type_limits(actors, case, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.7 fake", content_type="application/pdf")
    entry = case_add_note(actor=None, case=case, body="Invoice attached", attachments=[pdf])
    attachment = entry.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "invoice.pdf",
        "application/pdf",
        13,
    )
    assert attachment.file.read() == b"%PDF-1.7 fake"
    with pytest.raises(ValidationError, match="larger than"):
        case_add_note(
            actor=None, case=case, body="x", attachments=[SimpleUploadedFile("big.txt", b"x" * 2048)]
        )
    with pytest.raises(ValidationError, match="not accepted"):
        case_add_note(actor=None, case=case, body="x", attachments=[SimpleUploadedFile("run.exe", b"MZ")])
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        case_add_note(actor=None, case=case, body="x", attachments=[SimpleUploadedFile("fake.pdf", b"MZ..")])
    assert case.timeline.filter(kind=EntryKind.NOTE).count() == 1
