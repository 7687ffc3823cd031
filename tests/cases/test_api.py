import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.models import Case, CaseStatus
from apps.cases.services import case_assign, case_change_team
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.conftest import client_for
from tests.customers.api_helpers import error, key_client
from tests.customers.factories import CustomerFactory, OrderFactory
from tests.factories import bearer, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(actors):
    return key_client(actors.tenant_a)


def test_open_a_case_and_read_it_with_its_timeline(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    order = OrderFactory(customer=customer, order_number="WEB-5")
    team = TeamFactory(tenant=actors.tenant_a, name="Shipping")
    response = api(
        "post",
        "/api/v1/cases/",
        {
            "customer": customer.pk,
            "subject": "Lamp arrived broken",
            "kind": "complaint",
            "priority": "high",
            "team": team.pk,
            "assignee": actors.agent_a.pk,
            "order": "WEB-5",
            "tags": ["Damaged"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "ALPHA-1001"
    assert (body["status"], body["source_channel"], body["order"], body["tags"]) == (
        "new",
        "api",
        "WEB-5",
        ["damaged"],
    )
    assert body["team"] == {"id": team.pk, "name": "Shipping"}
    assert body["assignee"]["id"] == actors.agent_a.pk
    assert [entry["kind"] for entry in body["timeline"]] == ["system"]
    assert body["timeline"][0]["author"]["kind"] == "api"
    assert api("get", "/api/v1/cases/alpha-1001/").json()["order"] == order.order_number


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "x"}, "customer"),
        ({"customer": 1, "subject": ""}, "subject"),
        ({"customer": 1, "subject": "x", "priority": "asap"}, "priority"),
        ({"customer": 1, "subject": "x", "kind": "rant"}, "kind"),
    ],
)
def test_bad_case_input_is_a_400_naming_the_field(api, payload, field):
    response = api("post", "/api/v1/cases/", payload)
    assert response.status_code == 400
    assert error(response)["code"] == "invalid" and field in error(response)["fields"]


def test_references_to_other_tenants_rows_are_refused(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    other_customer = CustomerFactory(tenant=actors.tenant_b)
    other_team = TeamFactory(tenant=actors.tenant_b)
    for payload, field in (
        ({"customer": other_customer.pk}, "customer"),
        ({"customer": customer.pk, "team": other_team.pk}, "team"),
        ({"customer": customer.pk, "assignee": actors.staff_b.pk}, "assignee"),
        ({"customer": customer.pk, "order": OrderFactory(customer=other_customer).order_number}, "order"),
    ):
        response = api("post", "/api/v1/cases/", {"subject": "x", **payload})
        assert response.status_code == 400, payload
        assert field in error(response)["fields"]
    assert not Case.objects.for_tenant(actors.tenant_a).exists()


def test_transition_assign_escalate_message_and_note(api, actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    path = f"/api/v1/cases/{case.reference}"
    response = api("post", f"{path}/transition/", {"status": "acknowledged", "version": 1})
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    response = api("post", f"{path}/transition/", {"status": "closed"})
    assert response.status_code == 400 and "cannot move to" in error(response)["fields"]["status"][0]
    response = api("post", f"{path}/assign/", {"assignee": actors.agent_a.pk})
    assert response.json()["assignee"]["id"] == actors.agent_a.pk
    response = api("post", f"{path}/escalate/", {"reason": "VIP"})
    assert response.json()["escalation_level"] == 1
    response = api("post", f"{path}/messages/", {"body": "We are on it."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["entry"]["kind"], body["entry"]["pending_delivery"], body["entry"]["channel"]) == (
        "message_out",
        True,
        "email",
    )
    assert body["case"]["first_response_at"] is not None
    response = api(
        "post", f"{path}/messages/", {"body": "Photo attached", "direction": "in", "channel": "email"}
    )
    assert response.json()["entry"]["author"]["kind"] == "customer"
    response = api("post", f"{path}/messages/", {"body": "hi", "direction": "in"})
    assert response.status_code == 400 and "channel" in error(response)["fields"]
    response = api("post", f"{path}/notes/", {"body": "Reseller, be generous"})
    assert response.json()["entry"]["visibility"] == "internal"
    kinds = [entry["kind"] for entry in api("get", f"{path}/").json()["timeline"]]
    assert kinds == [
        "system",
        "status_change",
        "assignment",
        "escalation",
        "message_out",
        "message_in",
        "note",
    ]


def test_a_stale_version_is_a_409_conflict(api, actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    path = f"/api/v1/cases/{case.reference}"
    assert api("post", f"{path}/transition/", {"status": "in_progress", "version": 1}).status_code == 200
    response = api("post", f"{path}/notes/", {"body": "late", "version": 1})
    assert response.status_code == 409
    assert error(response)["code"] == "conflict"
    assert "changed by someone else" in error(response)["message"]
    response = api("patch", f"{path}/", {"priority": "urgent", "version": 1})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.priority == "normal"


def test_patch_changes_several_fields_in_one_go(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    case = CaseFactory(customer=customer)
    team = TeamFactory(tenant=actors.tenant_a, name="Returns")
    OrderFactory(customer=customer, order_number="WEB-77")
    response = api(
        "patch",
        f"/api/v1/cases/{case.reference}/",
        {
            "subject": "Return request",
            "priority": "low",
            "tags": ["returns"],
            "team": team.pk,
            "order": "WEB-77",
            "version": 1,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["subject"], body["priority"], body["tags"], body["order"]) == (
        "Return request",
        "low",
        ["returns"],
        "WEB-77",
    )
    assert body["team"]["name"] == "Returns"
    assert any(entry["kind"] == "customer_update" and entry["pending_delivery"] for entry in body["timeline"])
    response = api("patch", f"/api/v1/cases/{case.reference}/", {"order": "NOPE"})
    assert response.status_code == 400


def test_list_filters_and_pages_with_a_next_link(api, actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(5):
        CaseFactory(customer=customer, subject=f"Case {index}", kind="complaint" if index % 2 else "inquiry")
    response = api("get", "/api/v1/cases/?page_size=2&kind=complaint")
    body = response.json()
    assert [case["subject"] for case in body["results"]] == ["Case 3", "Case 1"]
    assert body["next"] is None
    response = api("get", "/api/v1/cases/?page_size=2")
    second = api("get", response.json()["next"].replace("http://testserver", ""))
    assert len(second.json()["results"]) == 2
    assert api("get", "/api/v1/cases/?status=lost").status_code == 400
    assert api("get", "/api/v1/cases/?cursor=zzz").status_code == 400
    assert api("get", "/api/v1/cases/?page_size=x").status_code == 400
    assert api("get", "/api/v1/cases/?q=Case 4").json()["results"][0]["subject"] == "Case 4"


def test_message_attachments_upload_as_multipart(actors, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    _, key = make_api_key(actors.tenant_a, scopes=("read", "write"))
    case = CaseFactory(customer__tenant=actors.tenant_a)
    response = client_for(actors.tenant_a).post(
        f"/api/v1/cases/{case.reference}/notes/",
        {"body": "scan", "attachments": [SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\nxxxx")]},
        **bearer(key),
    )
    assert response.status_code == 201, response.content
    assert response.json()["entry"]["attachments"][0]["content_type"] == "image/png"
    response = client_for(actors.tenant_a).post(
        f"/api/v1/cases/{case.reference}/notes/",
        {"body": "bad", "attachments": [SimpleUploadedFile("virus.exe", b"MZ")]},
        **bearer(key),
    )
    assert response.status_code == 400 and "attachments" in error(response)["fields"]


def test_cases_of_another_tenant_answer_404_everywhere(api, actors):
    other = CaseFactory(customer__tenant=actors.tenant_b)
    path = f"/api/v1/cases/{other.reference}"
    assert api("get", f"{path}/").status_code == 404
    assert api("patch", f"{path}/", {"priority": "low"}).status_code == 404
    for action, payload in (
        ("transition", {"status": "acknowledged"}),
        ("assign", {"assignee": None}),
        ("escalate", {"reason": "x"}),
        ("messages", {"body": "x"}),
        ("notes", {"body": "x"}),
    ):
        assert api("post", f"{path}/{action}/", payload).status_code == 404, action
    other.refresh_from_db()
    assert other.status == CaseStatus.NEW and other.version == 1


def test_an_agent_session_gets_404_for_a_case_outside_its_visibility(actors):
    colleague_team = TeamFactory(tenant=actors.tenant_a)
    hidden = case_change_team(
        actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=colleague_team
    )
    hidden = case_assign(actor=None, case=hidden, assignee=actors.supervisor_a)
    mine = add_to_team(TeamFactory(tenant=actors.tenant_a), actors.agent_a)
    visible = case_change_team(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=mine)
    client = client_for(actors.tenant_a, actors.agent_a)
    assert client.get(f"/api/v1/cases/{hidden.reference}/").status_code == 404
    assert client.get(f"/api/v1/cases/{visible.reference}/").status_code == 200
    listed = {case["reference"] for case in client.get("/api/v1/cases/").json()["results"]}
    assert listed == {visible.reference}
    supervisor = client_for(actors.tenant_a, actors.supervisor_a)
    assert supervisor.get(f"/api/v1/cases/{hidden.reference}/").status_code == 200


def test_scopes_govern_keys(actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    _, read_only = make_api_key(actors.tenant_a, scopes=("read",))
    _, events_only = make_api_key(actors.tenant_a, scopes=("events",))
    client = client_for(actors.tenant_a)
    assert client.get(f"/api/v1/cases/{case.reference}/", **bearer(read_only)).status_code == 200
    response = client.post(
        f"/api/v1/cases/{case.reference}/notes/",
        {"body": "x"},
        content_type="application/json",
        **bearer(read_only),
    )
    assert response.status_code == 403
    assert client.get("/api/v1/cases/", **bearer(events_only)).status_code == 403


def test_teams_are_listed(api, actors):
    TeamFactory(tenant=actors.tenant_a, name="Billing")
    TeamFactory(tenant=actors.tenant_b, name="Elsewhere")
    assert [team["name"] for team in api("get", "/api/v1/teams/").json()] == ["Billing"]


def test_the_schema_documents_the_endpoints(actors):
    response = client_for(actors.tenant_a).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/customers/",
        "/api/v1/customers/{customer_id}/",
        "/api/v1/orders/",
        "/api/v1/orders/{order_number}/",
        "/api/v1/cases/",
        "/api/v1/cases/{reference}/",
        "/api/v1/cases/{reference}/transition/",
        "/api/v1/cases/{reference}/assign/",
        "/api/v1/cases/{reference}/messages/",
        "/api/v1/cases/{reference}/notes/",
        "/api/v1/events/",
    ):
        assert path in paths, path
