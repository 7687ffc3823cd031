"""A signed-in customer's cases: what they see, replying, confirming, rating, opening a new one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.cases.models import Case, CaseKind, CaseStatus, EntryKind, SourceChannel
from apps.cases.services import case_add_note, case_reply, case_transition
from apps.feedback.models import CsatResponse
from tests.cases.factories import CaseFactory
from tests.customers.factories import OrderFactory
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"
NOTE = "Customer sounds annoyed; refund cap is 50 EUR."


@pytest.fixture
def case(world):
    case = CaseFactory(
        customer=world.customer, subject="Lamp arrived broken", description="The shade is cracked."
    )
    agent = world.actors.agent_a
    case = case_transition(actor=agent, case=case, to_status=CaseStatus.IN_PROGRESS)
    case_add_note(
        actor=agent,
        case=case,
        body=NOTE,
        attachments=[SimpleUploadedFile("internal.pdf", PDF, content_type="application/pdf")],
    )
    case_reply(actor=agent, case=case, body="A new shade is on its way.", channel="portal")
    return Case.objects.for_tenant(world.tenant_a).get(pk=case.pk)


def resolve(case, world):
    return case_transition(actor=world.actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)


def test_the_case_list_shows_the_customers_cases_in_plain_words(world, case):
    CaseFactory(customer=world.neighbour, subject="Neighbour's problem")

    page = signed_in(world.customer).get("/portal/cases/").content.decode()

    assert case.reference in page and "Lamp arrived broken" in page
    assert "In progress" in page
    assert "Neighbour's problem" not in page


def test_the_case_page_shows_replies_but_never_internal_notes(world, case):
    page = signed_in(world.customer).get(f"/portal/cases/{case.reference}/").content.decode()

    assert "A new shade is on its way." in page
    assert NOTE not in page
    assert "internal.pdf" not in page


def test_an_internal_notes_attachment_cannot_be_downloaded(world, case):
    note = case.timeline.get(kind=EntryKind.NOTE)
    attachment = note.attachments.get()

    response = signed_in(world.customer).get(f"/portal/cases/{case.reference}/attachments/{attachment.pk}/")

    assert response.status_code == 404


def test_the_customer_downloads_an_attachment_of_a_visible_message_and_it_is_audited(world):
    case = CaseFactory(
        customer=world.customer,
        attachments=[SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")],
    )
    attachment = case.timeline.get(data__event="opened").attachments.get()

    response = signed_in(world.customer).get(f"/portal/cases/{case.reference}/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="photo.pdf"' in response["Content-Disposition"]
    assert (
        AuditEvent.objects.for_tenant(world.tenant_a).filter(action="portal.attachment_downloaded").exists()
    )


def test_a_reply_with_a_file_goes_on_the_timeline_as_the_customers_message(world, case):
    client = signed_in(world.customer)
    upload = SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf")

    response = client.post(
        f"/portal/cases/{case.reference}/reply/",
        {"body": "Thanks, here is the receipt.", "attachments": upload},
    )

    assert response.status_code == 302
    entry = case.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.MESSAGE_IN and entry.channel == "portal"
    assert entry.author_customer_id == world.customer.pk
    assert entry.attachments.get().filename == "receipt.pdf"
    assert "Thanks, here is the receipt." in client.get(f"/portal/cases/{case.reference}/").content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("tool.exe", b"MZ\x90\x00"), ("fake.pdf", b"MZ\x90\x00not a pdf")],
)
def test_a_reply_refuses_files_of_the_wrong_type_with_a_clear_error(world, case, name, content):
    upload = SimpleUploadedFile(name, content)

    response = signed_in(world.customer).post(
        f"/portal/cases/{case.reference}/reply/", {"body": "See file", "attachments": upload}
    )

    assert response.status_code == 400
    assert f"{name} cannot be attached" in response.content.decode()
    assert not case.timeline.filter(kind=EntryKind.MESSAGE_IN).exists()


def test_a_reply_refuses_files_over_the_size_limit(world, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.pdf", PDF + b"x" * 20, content_type="application/pdf")

    response = signed_in(world.customer).post(
        f"/portal/cases/{case.reference}/reply/", {"attachments": upload}
    )

    assert response.status_code == 400
    assert "big.pdf cannot be attached" in response.content.decode()


def test_an_empty_reply_is_refused(world, case):
    response = signed_in(world.customer).post(f"/portal/cases/{case.reference}/reply/", {"body": "  "})

    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()


def test_a_closed_case_offers_a_new_request_instead_of_a_reply_box(world, case):
    case = resolve(case, world)
    case_transition(actor=world.actors.agent_a, case=case, to_status=CaseStatus.CLOSED)

    page = signed_in(world.customer).get(f"/portal/cases/{case.reference}/").content.decode()

    assert "Write to us" not in page and "This request is closed" in page


def test_yes_solved_closes_the_case(world, case):
    resolve(case, world)
    client = signed_in(world.customer)
    assert "Is this solved for you?" in client.get(f"/portal/cases/{case.reference}/").content.decode()

    response = client.post(f"/portal/cases/{case.reference}/confirm/", {"solved": "yes"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    event = AuditEvent.objects.for_tenant(world.tenant_a).get(action="portal.resolution_confirmed")
    assert event.actor_id == str(world.customer.pk) and event.metadata["via"] == "portal"


def test_no_still_a_problem_reopens_the_case_with_the_reason(world, case):
    resolve(case, world)
    client = signed_in(world.customer)

    refused = client.post(f"/portal/cases/{case.reference}/confirm/", {"solved": "no", "reason": ""})
    assert refused.status_code == 400 and "Tell us what is still wrong" in refused.content.decode()

    response = client.post(
        f"/portal/cases/{case.reference}/confirm/",
        {"solved": "no", "reason": "The new shade is cracked too."},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    change = case.timeline.filter(kind=EntryKind.STATUS_CHANGE).order_by("-seq").first()
    assert change.body == "The new shade is cracked too." and change.author_customer_id == world.customer.pk


def test_a_case_that_is_not_resolved_cannot_be_confirmed(world, case):
    response = signed_in(world.customer).post(f"/portal/cases/{case.reference}/confirm/", {"solved": "yes"})

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_a_resolved_case_is_rated_once(world, case):
    resolve(case, world)
    client = signed_in(world.customer)

    first = client.post(f"/portal/cases/{case.reference}/rate/", {"rating": "4", "comment": "Quick, thanks"})
    second = client.post(f"/portal/cases/{case.reference}/rate/", {"rating": "1"})

    assert first.status_code == 302
    assert second.status_code == 400 and "already been rated" in second.content.decode()
    response = CsatResponse.objects.for_tenant(world.tenant_a).get()
    assert (response.rating, response.comment, response.source) == (4, "Quick, thanks", "portal")
    assert response.followup_case is None
    assert "You rated this 4 out of 5" in client.get(f"/portal/cases/{case.reference}/").content.decode()


def test_a_case_in_progress_cannot_be_rated(world, case):
    response = signed_in(world.customer).post(f"/portal/cases/{case.reference}/rate/", {"rating": "5"})

    assert response.status_code == 400
    assert not CsatResponse.objects.for_tenant(world.tenant_a).exists()


def test_a_low_rating_opens_a_feedback_follow_up_case(world, case):
    resolve(case, world)
    client = signed_in(world.customer)

    response = client.post(f"/portal/cases/{case.reference}/rate/", {"rating": "2", "comment": "Took weeks."})

    followup = CsatResponse.objects.for_tenant(world.tenant_a).get().followup_case
    assert followup.kind == CaseKind.FEEDBACK_FOLLOWUP and followup.customer_id == world.customer.pk
    assert followup.description == "Took weeks."
    assert followup.reference in client.get(response["Location"]).content.decode()  # told at once


def test_a_new_case_gets_its_reference_at_once(world):
    order = OrderFactory(customer=world.customer)
    client = signed_in(world.customer)
    assert client.get("/portal/cases/new/").status_code == 200

    response = client.post(
        "/portal/cases/new/",
        {
            "kind": "complaint",
            "subject": "Wrong colour",
            "description": "I ordered sand, got grey.",
            "order": order.pk,
            "attachments": SimpleUploadedFile(
                "photo.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"
            ),
        },
    )

    case = Case.objects.for_tenant(world.tenant_a).get(subject="Wrong colour")
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.reference}/"
    assert (case.kind, case.source_channel, case.order_id) == (
        CaseKind.COMPLAINT,
        SourceChannel.PORTAL,
        order.pk,
    )
    assert case.timeline.get(data__event="opened").attachments.get().filename == "photo.png"
    page = client.get(response["Location"]).content.decode()
    assert f"Your reference is {case.reference}" in page
    assert "I ordered sand, got grey." in page


def test_a_new_case_needs_kind_subject_and_description(world):
    response = signed_in(world.customer).post(
        "/portal/cases/new/", {"kind": "", "subject": "", "description": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose what kind of request this is." in page
    assert "Give your request a short subject." in page
    assert not Case.objects.for_tenant(world.tenant_a).exists()


def test_a_new_case_cannot_name_another_customers_order(world):
    OrderFactory(customer=world.customer)
    theirs = OrderFactory(customer=world.neighbour)

    response = signed_in(world.customer).post(
        "/portal/cases/new/",
        {"kind": "inquiry", "subject": "Where?", "description": "Hm.", "order": theirs.pk},
    )

    assert response.status_code == 400
    assert not Case.objects.for_tenant(world.tenant_a).exists()


def test_a_customer_cannot_open_a_feedback_follow_up_themselves(world):
    response = signed_in(world.customer).post(
        "/portal/cases/new/", {"kind": "feedback_followup", "subject": "x", "description": "y"}
    )

    assert response.status_code == 400
