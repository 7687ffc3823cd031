"""The dev outbox pages: list, safe message view, clear (admins), and tenant isolation."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.notifications.channels.dev_outbox import DevOutboxChannel
from apps.notifications.models import DevOutboxMessage
from apps.tenants.context import tenant_context
from tests.conftest import client_for
from tests.notifications.factories import DevOutboxMessageFactory, outbound

pytestmark = pytest.mark.django_db

LIST = "/app/dev-outbox/"


def test_url_names_match_the_navigation_entry():
    assert reverse("notifications:dev_outbox") == LIST


def test_staff_see_captured_messages_newest_first(actors):
    DevOutboxMessageFactory(tenant=actors.tenant_a, subject="Older message")
    DevOutboxMessageFactory(
        tenant=actors.tenant_a, channel="sms", subject="", text="Newer text", to_address="+4477"
    )
    DevOutboxMessageFactory(tenant=actors.tenant_b, subject="Beta's secret")

    response = client_for(actors.tenant_a, actors.agent_a).get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Newer text") < body.index("Older message")
    assert "+4477" in body
    assert "Beta&#x27;s secret" not in body and "Beta's secret" not in body


def test_list_filters_by_channel(actors):
    DevOutboxMessageFactory(tenant=actors.tenant_a, subject="An email")
    DevOutboxMessageFactory(tenant=actors.tenant_a, channel="sms", subject="", text="A text")

    body = client_for(actors.tenant_a, actors.agent_a).get(LIST, {"channel": "sms"}).content.decode()

    assert "A text" in body and "An email" not in body


def test_empty_outbox_says_so(actors):
    body = client_for(actors.tenant_a, actors.agent_a).get(LIST).content.decode()

    assert "Nothing captured" in body


def test_signed_out_visitor_is_sent_to_sign_in(actors):
    response = client_for(actors.tenant_a).get(LIST)

    assert response.status_code == 302
    assert "/app/login/" in response["Location"]


def test_email_html_is_shown_only_inside_a_sandboxed_srcdoc_frame(actors):
    message = DevOutboxMessageFactory(
        tenant=actors.tenant_a, html='<p onclick="x()">Hi</p><script>alert("owned")</script>', text="Hi"
    )

    body = client_for(actors.tenant_a, actors.agent_a).get(f"{LIST}{message.pk}/").content.decode()

    assert 'sandbox=""' in body
    assert 'srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Hi&lt;/p&gt;&lt;script&gt;' in body
    assert "<script>alert" not in body


def test_sms_shows_length_encoding_and_segments(actors):
    message = DevOutboxMessageFactory(
        tenant=actors.tenant_a, channel="sms", subject="", text="Delayed “again”"
    )

    body = client_for(actors.tenant_a, actors.agent_a).get(f"{LIST}{message.pk}/").content.decode()

    assert "15 characters · UCS-2 · 1 segment" in body


def test_voice_shows_the_spoken_script(actors):
    message = DevOutboxMessageFactory(
        tenant=actors.tenant_a, channel="voice", subject="", voice_script="Hello there"
    )

    body = client_for(actors.tenant_a, actors.agent_a).get(f"{LIST}{message.pk}/").content.decode()

    assert "Spoken script" in body and "Hello there" in body


def test_message_of_another_tenant_is_404(actors):
    theirs = DevOutboxMessageFactory(tenant=actors.tenant_b)

    assert client_for(actors.tenant_a, actors.admin_a).get(f"{LIST}{theirs.pk}/").status_code == 404
    assert client_for(actors.tenant_b, actors.staff_b).get(f"{LIST}{theirs.pk}/").status_code == 200


def test_staff_of_another_tenant_cannot_see_this_outbox(actors):
    response = client_for(actors.tenant_a, actors.staff_b).get(LIST)

    assert response.status_code == 302  # not a member here: to sign-in, as for any staff page


def test_admin_clears_the_outbox_of_this_tenant_only_with_an_audit_event(actors):
    DevOutboxMessageFactory.create_batch(2, tenant=actors.tenant_a)
    DevOutboxMessageFactory(tenant=actors.tenant_b)

    response = client_for(actors.tenant_a, actors.admin_a).post(f"{LIST}clear/")

    assert response.status_code == 302
    assert DevOutboxMessage.objects.for_tenant(actors.tenant_a).count() == 0
    assert DevOutboxMessage.objects.for_tenant(actors.tenant_b).count() == 1
    event = AuditEvent.objects.for_tenant(actors.tenant_a).get(action="dev_outbox.cleared")
    assert event.metadata == {"deleted": 2}


@pytest.mark.parametrize("role", ["agent_a", "supervisor_a"])
def test_non_admins_cannot_clear(actors, role):
    DevOutboxMessageFactory(tenant=actors.tenant_a)

    response = client_for(actors.tenant_a, getattr(actors, role)).post(f"{LIST}clear/")

    assert response.status_code == 404
    assert DevOutboxMessage.objects.for_tenant(actors.tenant_a).count() == 1


def test_clear_button_is_shown_to_admins_only(actors):
    DevOutboxMessageFactory(tenant=actors.tenant_a)

    assert "Clear all" in client_for(actors.tenant_a, actors.admin_a).get(LIST).content.decode()
    assert "Clear all" not in client_for(actors.tenant_a, actors.supervisor_a).get(LIST).content.decode()


def test_clear_needs_post(actors):
    assert client_for(actors.tenant_a, actors.admin_a).get(f"{LIST}clear/").status_code == 405


def test_list_query_count_does_not_grow_with_messages(actors, django_assert_max_num_queries):
    DevOutboxMessageFactory.create_batch(30, tenant=actors.tenant_a)
    client = client_for(actors.tenant_a, actors.agent_a)
    client.get(LIST)

    with django_assert_max_num_queries(12):
        client.get(LIST)


def test_dev_outbox_capture_runs_under_row_level_security(actors):
    with tenant_context(actors.tenant_a):
        DevOutboxChannel("email").send(outbound(actors.tenant_a.pk))
        visible = DevOutboxMessage.objects.for_tenant(actors.tenant_a).count()

    assert visible == 1
