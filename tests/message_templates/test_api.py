"""GET /api/v1/templates/: approved versions by default, every version on request, tenant-scoped."""

import pytest

from tests.conftest import client_for
from tests.factories import bearer, make_api_key
from tests.message_templates.factories import MessageTemplateFactory, TemplateVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(actors):
    template = MessageTemplateFactory(tenant=actors.tenant_a, key="order.shipped")
    TemplateVersionFactory(template=template, number=1, locale="en", status="retired")
    TemplateVersionFactory(template=template, number=2, locale="en", approved=True)
    TemplateVersionFactory(template=template, number=3, locale="en", status="draft")
    TemplateVersionFactory(template=template, number=1, locale="de", approved=True)
    return template


def get(actors, url, scopes=("read",)):
    _, key = make_api_key(actors.tenant_a, scopes=list(scopes))
    return client_for(actors.tenant_a).get(url, **bearer(key))


def test_list_returns_templates_with_their_approved_versions(actors, shipped):
    response = get(actors, "/api/v1/templates/")
    assert response.status_code == 200
    [template] = response.json()["results"]
    assert (template["key"], template["trigger"], template["is_reply"]) == (
        "order.shipped",
        "order.shipped",
        False,
    )
    assert sorted((v["locale"], v["number"], v["status"]) for v in template["versions"]) == [
        ("de", 1, "approved"),
        ("en", 2, "approved"),
    ]
    assert "{{ order.tracking_number }}" in template["versions"][0]["sms_text"]


def test_all_versions_on_request(actors, shipped):
    template = get(actors, f"/api/v1/templates/{shipped.pk}/?versions=all").json()
    assert len(template["versions"]) == 4


def test_filter_by_trigger_and_reply(actors, shipped):
    MessageTemplateFactory(tenant=actors.tenant_a, key="reply.request_information")
    replies = get(actors, "/api/v1/templates/?is_reply=true").json()["results"]
    assert [t["key"] for t in replies] == ["reply.request_information"]
    by_trigger = get(actors, "/api/v1/templates/?trigger=order.shipped").json()["results"]
    assert [t["key"] for t in by_trigger] == ["order.shipped"]


def test_staff_session_may_read(actors, shipped):
    assert client_for(actors.tenant_a, actors.agent_a).get("/api/v1/templates/").status_code == 200


def test_key_without_read_scope_is_refused(actors, shipped):
    assert get(actors, "/api/v1/templates/", scopes=("events",)).status_code == 403


def test_another_tenants_template_is_404(actors, shipped):
    _, key = make_api_key(actors.tenant_b)
    response = client_for(actors.tenant_b).get(f"/api/v1/templates/{shipped.pk}/", **bearer(key))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_writes_are_not_offered(actors, shipped):
    assert get(actors, "/api/v1/templates/", scopes=("read", "write")).status_code == 200
    _, key = make_api_key(actors.tenant_a, scopes=["read", "write"])
    assert client_for(actors.tenant_a).post("/api/v1/templates/", {}, **bearer(key)).status_code == 405


def test_the_schema_documents_the_endpoints(client, actors):
    schema = client_for(actors.tenant_a).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/templates/" in schema["paths"]
    assert "/api/v1/templates/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/templates/"]["get"]["parameters"]}
    assert {"versions", "trigger", "is_reply", "key"} <= parameters
