"""Staff pages: who sees and does what, and the editor/lint/review flow through HTTP."""

import pytest

from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from tests.conftest import client_for
from tests.message_templates.factories import MessageTemplateFactory, TemplateVersionFactory, default_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(actors):
    return MessageTemplateFactory(tenant=actors.tenant_a, key="order.shipped")


@pytest.fixture
def approved(shipped):
    return TemplateVersionFactory(template=shipped, number=1, approved=True, author=None)


def reload(version):
    return TemplateVersion.objects.for_tenant(version.tenant_id).get(pk=version.pk)


def test_list_shows_each_template_with_its_status_per_locale(actors, approved):
    response = client_for(actors.tenant_a, actors.agent_a).get("/app/templates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Shipping notification" in page
    assert "v1 approved" in page
    assert "Not approved" in page  # no German version


def test_list_filters_replies_and_searches(actors, approved):
    MessageTemplateFactory(tenant=actors.tenant_a, key="reply.request_information", name="Ask for details")
    client = client_for(actors.tenant_a, actors.agent_a)
    replies = client.get("/app/templates/?kind=replies").content.decode()
    assert "Ask for details" in replies and "Shipping notification" not in replies
    found = client.get("/app/templates/?q=shipped").content.decode()
    assert "Shipping notification" in found and "Ask for details" not in found


def test_signed_out_visitor_is_sent_to_sign_in(actors):
    response = client_for(actors.tenant_a).get("/app/templates/")
    assert response.status_code == 302
    assert response["Location"].startswith("/app/login/")


def test_template_page_shows_versions_and_variables(actors, approved):
    response = client_for(actors.tenant_a, actors.agent_a).get(
        f"/app/templates/{approved.template_id}/?locale=en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Version history" in page
    assert "order.tracking_number" in page
    assert "Your order NW-10482 is on its way" in page  # subject rendered with sample data


def test_version_page_previews_every_channel(actors, approved):
    client = client_for(actors.tenant_a, actors.agent_a)
    email = client.get(f"/app/templates/versions/{approved.pk}/").content.decode()
    assert "srcdoc=" in email and 'sandbox=""' in email
    sms = client.get(f"/app/templates/versions/{approved.pk}/?channel=sms").content.decode()
    assert "GSM-7" in sms and "JD014600003828" in sms
    voice = client.get(f"/app/templates/versions/{approved.pk}/?channel=voice").content.decode()
    assert "J D 0 1 4 6" in voice
    fragment = client.get(
        f"/app/templates/versions/{approved.pk}/?channel=portal&fragment=preview", HTTP_HX_REQUEST="true"
    )
    assert fragment.content.decode().lstrip().startswith('<div id="preview"')


def test_agent_creates_a_reply_template_and_lands_in_the_editor(actors):
    client = client_for(actors.tenant_a, actors.agent_a)
    response = client.post(
        "/app/templates/new/",
        {"trigger": "reply", "name": "Refund issued", "description": "", "locale": "en"},
    )
    template = MessageTemplate.objects.for_tenant(actors.tenant_a).get(key="reply.refund-issued")
    version = template.versions.get()
    assert response["Location"] == f"/app/templates/versions/{version.pk}/edit/"
    assert (version.status, version.author) == (VersionStatus.DRAFT, actors.agent_a)


def test_create_form_offers_only_triggers_without_a_template(actors, shipped):
    page = client_for(actors.tenant_a, actors.agent_a).get("/app/templates/new/").content.decode()
    assert 'value="order.delayed"' in page
    assert 'value="order.shipped"' not in page


def test_edit_lint_and_submit_through_the_editor(actors, approved):
    client = client_for(actors.tenant_a, actors.agent_a)
    response = client.post(f"/app/templates/{approved.template_id}/versions/new/", {"locale": "en"})
    draft = approved.template.versions.get(status=VersionStatus.DRAFT)
    assert response["Location"] == f"/app/templates/versions/{draft.pk}/edit/"
    assert client.get(f"/app/templates/versions/{draft.pk}/edit/").status_code == 200

    broken = default_content("order.shipped") | {"sms_text": "Shipped {{ order.tracking_nr }}"}
    lint = client.post(f"/app/templates/versions/{draft.pk}/lint/", broken, HTTP_HX_REQUEST="true")
    assert lint.status_code == 200
    assert "order.tracking_nr" in lint.content.decode()
    assert reload(draft).sms_text == approved.sms_text  # linting never saves

    refused = client.post(f"/app/templates/versions/{draft.pk}/edit/", broken | {"action": "submit"})
    assert refused.status_code == 200
    assert "Fix these problems before you submit" in refused.content.decode()
    assert reload(draft).status == VersionStatus.DRAFT

    fixed = default_content("order.shipped") | {"email_subject": "On its way: {{ order.number }}"}
    submitted = client.post(f"/app/templates/versions/{draft.pk}/edit/", fixed | {"action": "submit"})
    assert submitted["Location"] == f"/app/templates/versions/{draft.pk}/"
    assert (reload(draft).status, reload(draft).email_subject) == (
        "submitted",
        "On its way: {{ order.number }}",
    )


def test_lint_endpoint_counts_the_sms(actors, shipped):
    draft = TemplateVersionFactory(template=shipped, author=actors.agent_a)
    content = default_content("order.shipped") | {
        "sms_text": "Dein Paket {{ order.number }} ist unterwegs \u2013 bald da"
    }
    page = client_for(actors.tenant_a, actors.agent_a).post(
        f"/app/templates/versions/{draft.pk}/lint/", content
    )
    text = page.content.decode()
    assert "UCS-2" in text
    assert "U+2013" in text


def test_someone_elses_draft_is_not_editable(actors, shipped):
    draft = TemplateVersionFactory(template=shipped, author=actors.agent_a)
    client = client_for(actors.tenant_a, actors.supervisor_a)
    response = client.get(f"/app/templates/versions/{draft.pk}/edit/")
    assert response["Location"] == f"/app/templates/versions/{draft.pk}/"
    client.post(
        f"/app/templates/versions/{draft.pk}/edit/", default_content("order.shipped") | {"action": "save"}
    )
    assert reload(draft).content == draft.content


def test_submitted_version_cannot_be_edited(actors, shipped):
    version = TemplateVersionFactory(template=shipped, author=actors.agent_a, submitted=True)
    client = client_for(actors.tenant_a, actors.agent_a)
    response = client.post(
        f"/app/templates/versions/{version.pk}/edit/",
        default_content("order.shipped") | {"email_subject": "x"},
    )
    assert response.status_code == 302
    assert reload(version).email_subject == version.email_subject


def test_supervisor_approves_from_the_version_page(actors, approved):
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.agent_a, submitted=True
    )
    client = client_for(actors.tenant_a, actors.supervisor_a)
    page = client.get(f"/app/templates/versions/{version.pk}/").content.decode()
    assert "Your review" in page
    client.post(f"/app/templates/versions/{version.pk}/review/", {"decision": "approve", "comment": "Good"})
    assert reload(version).status == VersionStatus.APPROVED
    assert reload(approved).status == VersionStatus.RETIRED


def test_supervisor_rejects_with_a_comment(actors, approved):
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.agent_a, submitted=True
    )
    client = client_for(actors.tenant_a, actors.supervisor_a)
    client.post(f"/app/templates/versions/{version.pk}/review/", {"decision": "reject", "comment": ""})
    assert reload(version).status == VersionStatus.SUBMITTED
    client.post(
        f"/app/templates/versions/{version.pk}/review/", {"decision": "reject", "comment": "Too long"}
    )
    assert (reload(version).status, reload(version).review_comment) == ("rejected", "Too long")


def test_author_sees_no_review_form_and_cannot_approve_own(actors, approved):
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.supervisor_a, submitted=True
    )
    client = client_for(actors.tenant_a, actors.supervisor_a)
    page = client.get(f"/app/templates/versions/{version.pk}/").content.decode()
    assert "Your review" not in page
    response = client.post(
        f"/app/templates/versions/{version.pk}/review/", {"decision": "approve"}, follow=True
    )
    assert "someone else must approve it" in response.content.decode()
    assert reload(version).status == VersionStatus.SUBMITTED


def test_agents_get_404_on_review_pages(actors, approved):
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.supervisor_a, submitted=True
    )
    client = client_for(actors.tenant_a, actors.agent_a)
    assert client.get("/app/templates/review/").status_code == 404
    response = client.post(f"/app/templates/versions/{version.pk}/review/", {"decision": "approve"})
    assert response.status_code == 404
    assert reload(version).status == VersionStatus.SUBMITTED
    assert "Your review" not in client.get(f"/app/templates/versions/{version.pk}/").content.decode()


def test_review_queue_lists_submitted_versions(actors, approved):
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.agent_a, submitted=True
    )
    page = client_for(actors.tenant_a, actors.supervisor_a).get("/app/templates/review/").content.decode()
    assert f"/app/templates/versions/{version.pk}/" in page
    assert "Shipping notification" in page


def test_agents_cannot_rename_templates(actors, shipped):
    client_for(actors.tenant_a, actors.agent_a).post(
        f"/app/templates/{shipped.pk}/details/", {"name": "Renamed"}
    )
    assert MessageTemplate.objects.for_tenant(actors.tenant_a).get(pk=shipped.pk).name == shipped.name
    client_for(actors.tenant_a, actors.admin_a).post(
        f"/app/templates/{shipped.pk}/details/", {"name": "Renamed"}
    )
    assert MessageTemplate.objects.for_tenant(actors.tenant_a).get(pk=shipped.pk).name == "Renamed"


def test_diff_shows_what_changed(actors, approved):
    changed = default_content("order.shipped") | {
        "sms_text": "Shipped! {{ order.tracking_number }} {{ order.tracking_url }}"
    }
    version = TemplateVersionFactory(
        template=approved.template, number=2, author=actors.agent_a, content=changed, based_on=approved
    )
    client = client_for(actors.tenant_a, actors.agent_a)
    page = client.get(f"/app/templates/versions/{version.pk}/diff/").content.decode()
    assert "1 of 6 fields changed" in page
    assert "<ins>Shipped</ins>" in page or "<ins>" in page
    unified = client.get(f"/app/templates/versions/{version.pk}/diff/?view=unified").content.decode()
    assert "@@" in unified


def test_diff_against_another_templates_version_is_404(actors, approved):
    other = TemplateVersionFactory(template__tenant=actors.tenant_a, template__key="order.delayed")
    url = f"/app/templates/versions/{approved.pk}/diff/?against={other.pk}"
    assert client_for(actors.tenant_a, actors.agent_a).get(url).status_code == 404


def test_malformed_input_never_errors(actors, approved):
    client = client_for(actors.tenant_a, actors.agent_a)
    assert client.get(f"/app/templates/versions/{approved.pk}/?channel=fax").status_code == 200
    assert client.get(f"/app/templates/{approved.template_id}/?locale=xx").status_code == 200
    assert (
        client.post(f"/app/templates/{approved.template_id}/versions/new/", {"locale": "xx"}).status_code
        == 302
    )
    assert client.post("/app/templates/new/", {"trigger": "nope", "name": ""}).status_code == 200
    assert client.get(f"/app/templates/versions/{approved.pk}/diff/?against=abc").status_code == 200


def test_list_page_query_count_does_not_grow_with_the_number_of_templates(actors, approved):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.message_templates.services import template_install_defaults

    client = client_for(actors.tenant_a, actors.agent_a)
    client.get("/app/templates/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/app/templates/")
    template_install_defaults(tenant=actors.tenant_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/app/templates/")
    assert response.content.decode().count("v1 approved") >= 27
    assert len(many) == len(few)
