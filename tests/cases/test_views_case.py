"""The case page and its actions, with and without htmx: happy paths, bad input (form error, nothing
lost), illegal moves, stale versions (conflict), visibility and downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.models import CaseStatus, EntryKind, TimelineEntry
from apps.cases.selectors import TENANT_WIDE, case_by_reference
from apps.cases.services import (
    case_add_note,
    case_assign,
    case_change_team,
    case_customer_message,
    case_reply,
)
from apps.tenants.models import Role
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.conftest import client_for
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def fresh(case):
    return case_by_reference(tenant=case.tenant, membership=TENANT_WIDE, reference=case.reference)


def entries(case, kind=None):
    rows = TimelineEntry.objects.for_tenant(case.tenant_id).filter(case_id=case.pk)
    return rows.filter(kind=kind) if kind else rows


@pytest.fixture
def case(actors):
    customer = CustomerFactory(
        tenant=actors.tenant_a, name="Jane Doe", phones=["+442079460958"], consents={"email": True}
    )
    return CaseFactory(customer=customer, subject="Parcel never arrived")


@pytest.fixture
def agent(actors):
    return client_for(actors.tenant_a, actors.agent_a)


def url(case, action=""):
    return f"/app/cases/{case.reference}/" + (f"{action}/" if action else "")


# --- the page ---------------------------------------------------------------------------------------


def test_case_page_shows_header_timeline_and_forms(agent, case):
    response = agent.get(url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Parcel never arrived" in html and case.reference in html
    assert "Jane Doe" in html and "Prefers email" in html
    assert 'name="version" value="1"' in html
    assert "Case opened" in html


def test_internal_notes_are_labelled_internal_and_styled_apart(agent, case):
    case_add_note(actor=None, case=case, body="Customer sounded upset")
    html = agent.get(url(case)).content.decode()
    note = html[html.index('class="timeline-item note internal"') :]
    assert "Internal" in note[:600] and "Customer sounded upset" in note[:900]


def test_lower_case_reference_finds_the_case(agent, case):
    assert agent.get(f"/app/cases/{case.reference.lower()}/").status_code == 200


def test_signed_out_visitor_is_sent_to_sign_in(actors, case):
    response = client_for(actors.tenant_a).get(url(case))
    assert response.status_code == 302 and response["Location"].startswith("/app/login/")


def test_agent_gets_404_for_a_case_of_another_team_assigned_to_someone_else(actors, agent):
    colleague = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    billing = add_to_team(TeamFactory(tenant=actors.tenant_a, name="Billing"), colleague)
    hidden = case_assign(
        actor=None,
        case=case_change_team(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=billing),
        assignee=colleague,
    )
    assert agent.get(url(hidden)).status_code == 404
    assert agent.post(url(hidden, "note"), {"body": "x", "version": hidden.version}).status_code == 404
    assert client_for(actors.tenant_a, actors.supervisor_a).get(url(hidden)).status_code == 200


def test_case_of_another_tenant_is_404_on_this_tenants_host(actors, agent):
    other = CaseFactory(customer__tenant=actors.tenant_b)
    assert agent.get(url(other)).status_code == 404


def test_case_page_query_count_does_not_grow_with_the_timeline(actors, agent, django_assert_max_num_queries):
    short = CaseFactory(customer__tenant=actors.tenant_a)
    case_reply(actor=actors.agent_a, case=short, body="first reply", channel="portal")
    long = CaseFactory(customer__tenant=actors.tenant_a)
    for index in range(10):
        case_add_note(actor=actors.agent_a, case=long, body=f"note {index}")
        case_reply(actor=actors.agent_a, case=long, body=f"reply {index}", channel="portal")
        case_customer_message(case=long, body=f"answer {index}", channel="email")
    case_add_note(
        actor=None, case=long, body="file", attachments=[SimpleUploadedFile("a.txt", b"hello", "text/plain")]
    )
    agent.get(url(short))  # warm up session and caches alike for both
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        assert agent.get(url(short)).status_code == 200
    with django_assert_max_num_queries(len(baseline)):
        assert agent.get(url(long)).status_code == 200
    assert len(entries(long)) > 30


# --- reply and note ---------------------------------------------------------------------------------


def test_reply_without_javascript_redirects_back_with_a_confirmation(agent, case):
    response = agent.post(url(case, "reply"), {"body": "We are on it.", "channel": "email", "version": 1})
    assert response.status_code == 302 and response["Location"] == url(case)
    reply = entries(case, EntryKind.MESSAGE_OUT).get()
    assert reply.body == "We are on it." and reply.channel == "email"
    assert reply.pending_delivery or reply.notification_id  # waiting for, or taken by, the outbox
    page = agent.get(url(case)).content.decode()
    assert "Reply queued for sending by Email." in page
    assert 'class="delivery-badge"' in page  # the outbox's status of the notification


def test_reply_with_htmx_swaps_the_parts_and_clears_the_composer(agent, case):
    response = agent.post(
        url(case, "reply"), {"body": "Hello Jane", "channel": "email", "version": 1}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    for part in ("case-alerts", "case-header", "case-properties", "case-timeline", "case-composer"):
        assert f'id="{part}"' in html
    assert html.count('hx-swap-oob="true"') >= 5
    composer = html[html.index('id="case-composer"') :]
    assert "Hello Jane" not in composer[: composer.index("</textarea>")]
    assert 'name="version" value="2"' in html


def test_a_property_change_with_htmx_keeps_the_composer_and_updates_its_version(agent, case):
    response = agent.post(url(case, "priority"), {"priority": "high", "version": 1}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Priority set to high." in html
    assert 'id="case-composer"' not in html
    assert '<input type="hidden" name="version" value="2" id="version-reply" hx-swap-oob="true">' in html
    assert fresh(case).priority == "high"


def test_empty_reply_is_refused_with_a_message_and_nothing_is_sent(agent, case):
    response = agent.post(url(case, "reply"), {"body": "  ", "channel": "email", "version": 1})
    assert response.status_code == 422
    assert "Write the message." in response.content.decode()
    assert not entries(case, EntryKind.MESSAGE_OUT).exists()


def test_reply_on_a_channel_without_consent_keeps_the_text_and_says_why(agent, case):
    response = agent.post(url(case, "reply"), {"body": "Text me back", "channel": "sms", "version": 1})
    html = response.content.decode()
    assert response.status_code == 422
    assert "cannot be reached by SMS" in html
    assert "Text me back</textarea>" in html
    assert not entries(case, EntryKind.MESSAGE_OUT).exists()


def test_reply_channel_defaults_to_the_customers_preferred_consented_channel(agent, actors):
    customer = CustomerFactory(
        tenant=actors.tenant_a,
        phones=["+442079460958"],
        consents={"email": True, "sms": True},
        preferred_channels=["sms", "email"],
    )
    html = agent.get(url(CaseFactory(customer=customer))).content.decode()
    select = html[html.index('id="reply-channel"') :]
    assert select.index('value="sms" selected') < select.index("</select>")


def test_note_with_an_attachment_is_added_and_downloadable(agent, case):
    upload = SimpleUploadedFile("label.txt", b"return label", content_type="text/plain")
    response = agent.post(
        url(case, "note"), {"body": "Label attached", "version": 1, "attachments": [upload]}
    )
    assert response.status_code == 302
    note = entries(case, EntryKind.NOTE).get()
    attachment = note.attachments.get()
    page = agent.get(url(case)).content.decode()
    assert f"/app/cases/attachments/{attachment.pk}/" in page
    download = agent.get(f"/app/cases/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"return label"
    assert "attachment" in download["Content-Disposition"]


def test_refused_attachment_type_is_a_form_error_and_the_note_text_stays(agent, case):
    upload = SimpleUploadedFile("tool.exe", b"MZ...", content_type="application/octet-stream")
    response = agent.post(url(case, "note"), {"body": "See tool", "version": 1, "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 422
    assert "files of this type are not accepted" in html and "See tool</textarea>" in html
    assert not entries(case, EntryKind.NOTE).exists()


def test_attachment_of_an_invisible_case_is_404(actors, agent):
    colleague = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    team = add_to_team(TeamFactory(tenant=actors.tenant_a), colleague)
    hidden = case_assign(
        actor=None,
        case=case_change_team(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=team),
        assignee=colleague,
    )
    note = case_add_note(
        actor=None, case=hidden, body="x", attachments=[SimpleUploadedFile("a.txt", b"x", "text/plain")]
    )
    assert agent.get(f"/app/cases/attachments/{note.attachments.get().pk}/").status_code == 404


# --- conflicts ----------------------------------------------------------------------------------------


def test_stale_reply_is_refused_with_the_conflict_message_and_keeps_the_text(agent, actors, case):
    case_add_note(actor=actors.supervisor_a, case=case, body="Supervisor was here")  # version 1 → 2
    response = agent.post(url(case, "reply"), {"body": "My long answer", "channel": "email", "version": 1})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case" in html
    assert "My long answer</textarea>" in html
    assert "Supervisor was here" in html  # their change is shown
    assert 'id="version-reply"' in html and 'name="version" value="2"' in html  # a resubmit goes through
    assert not entries(case, EntryKind.MESSAGE_OUT).exists()


def test_stale_change_with_htmx_leaves_the_composer_alone_and_shows_the_conflict(agent, actors, case):
    case_assign(actor=actors.supervisor_a, case=case, assignee=actors.agent_a)
    response = agent.post(url(case, "note"), {"body": "Typed while they worked", "version": 1}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case — reload to see their change." in html
    assert 'id="case-composer"' not in html  # the agent's text stays in the browser
    assert '<input type="hidden" name="version" value="2" id="version-note" hx-swap-oob="true">' in html
    assert not entries(case, EntryKind.NOTE).exists()


def test_stale_escalation_keeps_the_typed_reason(agent, actors, case):
    case_add_note(actor=actors.supervisor_a, case=case, body="meanwhile")
    response = agent.post(url(case, "escalate"), {"reason": "Customer is furious", "version": 1})
    assert response.status_code == 409
    assert "Customer is furious</textarea>" in response.content.decode()
    assert fresh(case).escalation_level == 0


# --- status, assignment, team, escalation, order, tags, priority ------------------------------------


def test_legal_status_change_is_made(agent, case):
    response = agent.post(url(case, "status"), {"to_status": "resolved", "reason": "Refunded", "version": 1})
    assert response.status_code == 302
    assert fresh(case).status == CaseStatus.RESOLVED


def test_only_legal_next_statuses_are_offered(agent, case):
    html = agent.get(url(case)).content.decode()
    select = html[html.index('id="prop-status"') : html.index("</select>", html.index('id="prop-status"'))]
    assert 'value="resolved"' in select and 'value="closed"' not in select and 'value="new"' not in select


def test_illegal_status_change_shows_the_transition_rule(agent, case):
    response = agent.post(url(case, "status"), {"to_status": "closed", "version": 1})
    html = response.content.decode()
    assert response.status_code == 422
    assert "cannot move to closed" in html
    assert fresh(case).status == CaseStatus.NEW


def test_take_it_assigns_the_case_to_me(agent, actors, case):
    response = agent.post(url(case, "assign"), {"assignee": actors.agent_a.pk, "version": 1}, **HTMX)
    assert "The case is yours." in response.content.decode()
    assert fresh(case).assignee_id == actors.agent_a.pk


def test_assigning_to_someone_outside_the_workspace_is_refused(agent, actors, case):
    response = agent.post(url(case, "assign"), {"assignee": actors.staff_b.pk, "version": 1})
    assert response.status_code == 422
    assert "Choose an active member of the workspace." in response.content.decode()
    assert fresh(case).assignee_id is None


def test_changing_team_tells_the_customer(agent, actors, case):
    team = TeamFactory(tenant=actors.tenant_a, name="Returns")
    response = agent.post(url(case, "team"), {"team": team.pk, "note": "Return, not lost", "version": 1})
    assert response.status_code == 302
    handover = entries(case, EntryKind.CUSTOMER_UPDATE).get()
    assert (handover.pending_delivery or handover.notification_id) and "Returns team" in handover.body
    page = agent.get(url(case)).content.decode()
    assert "The customer will be told of the hand-over." in page


def test_escalation_needs_a_reason(agent, case):
    response = agent.post(url(case, "escalate"), {"reason": "", "version": 1})
    assert response.status_code == 422 and "Say why the case is escalated." in response.content.decode()
    agent.post(url(case, "escalate"), {"reason": "VIP waiting a week", "version": 1})
    assert fresh(case).escalation_level == 1


def test_only_the_customers_own_orders_can_be_linked(agent, actors, case):
    own = OrderFactory(customer=case.customer)
    stranger = OrderFactory(customer__tenant=actors.tenant_a)
    refused = agent.post(url(case, "order"), {"order": stranger.pk, "version": 1})
    assert refused.status_code == 422 and "not one of this customer&#x27;s orders" in refused.content.decode()
    assert agent.post(url(case, "order"), {"order": own.pk, "version": 1}).status_code == 302
    assert fresh(case).order_id == own.pk


def test_tags_are_saved_and_bad_tags_explained(agent, case):
    assert agent.post(url(case, "tags"), {"tags": "Refund, VIP", "version": 1}).status_code == 302
    assert fresh(case).tags == ["refund", "vip"]
    refused = agent.post(url(case, "tags"), {"tags": "no/slashes", "version": 2})
    assert refused.status_code == 422 and "is not a usable tag" in refused.content.decode()


def test_unknown_priority_is_a_form_error(agent, case):
    response = agent.post(url(case, "priority"), {"priority": "whenever", "version": 1})
    assert response.status_code == 422
    assert fresh(case).priority == "normal"


def test_missing_version_is_a_form_error_not_a_crash(agent, case):
    assert agent.post(url(case, "priority"), {"priority": "high"}).status_code == 422


def test_get_on_an_action_url_is_not_allowed(agent, case):
    assert agent.get(url(case, "reply")).status_code == 405


def test_a_reply_carried_by_the_outbox_shows_its_delivery_status(agent, case):
    from apps.notifications.outbox.models import Notification, NotificationStatus

    agent.post(url(case, "reply"), {"body": "On its way", "channel": "email", "version": 1})
    reply = entries(case, EntryKind.MESSAGE_OUT).get()
    notification = Notification.objects.for_tenant(case.tenant_id).get(timeline_entry_id=reply.pk)
    html = agent.get(url(case)).content.decode()
    item = html[html.index(f'id="entry-{reply.seq}"') :]
    item = item[: item.index("</li>")]
    assert 'class="delivery-badge"' in item
    assert NotificationStatus(notification.status).label in item


# --- reply templates ----------------------------------------------------------------------------


@pytest.fixture
def reply_template(actors):
    from tests.message_templates.factories import TemplateVersionFactory

    return TemplateVersionFactory(
        template__tenant=actors.tenant_a,
        template__key="reply.request_information",
        template__name="Ask for details",
        approved=True,
    )


def test_composer_offers_approved_reply_templates(agent, case, reply_template):
    from tests.message_templates.factories import TemplateVersionFactory

    TemplateVersionFactory(
        template__tenant=case.tenant, template__key="reply.other", template__name="Unreviewed draft"
    )
    html = agent.get(url(case)).content.decode()
    assert f'<option value="{reply_template.pk}">Ask for details</option>' in html
    assert "Unreviewed draft" not in html


def test_a_picked_template_is_rendered_for_the_case_after_the_typed_text(agent, case, reply_template):
    response = agent.get(
        url(case),
        {"template": reply_template.pk, "body": "Hello!", "channel": "email"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="reply-body",
    )
    html = response.content.decode()
    assert html.startswith('<textarea id="reply-body"')
    assert "Hello!\n\n" in html
    assert case.reference in html and "{{" not in html  # rendered with the case's own data


def test_without_javascript_insert_fills_the_composer(agent, case, reply_template):
    html = agent.get(url(case), {"template": reply_template.pk}).content.decode()
    composer = html[html.index('id="reply-body"') :]
    assert case.reference in composer[: composer.index("</textarea>")]


def test_a_template_of_another_tenant_inserts_nothing(agent, case, actors):
    from tests.message_templates.factories import TemplateVersionFactory

    foreign = TemplateVersionFactory(
        template__tenant=actors.tenant_b, template__key="reply.request_information", approved=True
    )
    response = agent.get(
        url(case), {"template": foreign.pk, "body": ""}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="reply-body"
    )
    assert response.status_code == 200
    assert "></textarea>" in response.content.decode()
