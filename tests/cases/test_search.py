import pytest

from apps.cases.queue import QueueFilters, QueueView, case_queue
from apps.cases.selectors import TENANT_WIDE
from apps.cases.services import case_add_note, case_customer_message, case_link_order, case_reply
from apps.customers.services import customer_set_contact_points, customer_update
from tests.cases.factories import CaseFactory
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(actors):
    jane = CustomerFactory(
        tenant=actors.tenant_a,
        name="Jane Fairweather",
        emails=["jane.fairweather@example.org"],
        phones=["+4930901820"],
    )
    bob = CustomerFactory(tenant=actors.tenant_a, name="Bob Stone", emails=["bob@stone.test"])
    parcel = CaseFactory(customer=jane, subject="Parcel delayed at the depot", description="")
    invoice = CaseFactory(customer=bob, subject="Invoice address wrong", description="")
    case_reply(actor=None, case=invoice, body="We have corrected the billing postcode")
    case_customer_message(case=invoice, body="Thanks, the tortoiseshell frame arrived", channel="email")
    case_add_note(actor=None, case=parcel, body="Courier says the van broke down")
    stranger = CustomerFactory(tenant=actors.tenant_b, name="Jane Fairweather", emails=["jane@beta.test"])
    CaseFactory(customer=stranger, subject="Parcel delayed at the depot")
    return {"parcel": parcel, "invoice": invoice, "jane": jane}


def found(tenant, text: str) -> list[str]:
    page = case_queue(
        tenant=tenant, membership=TENANT_WIDE, view=QueueView.ALL, filters=QueueFilters(query=text)
    )
    return [case.subject for case in page.cases]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ALPHA-1001", ["Parcel delayed at the depot"]),
        ("alpha-1002", ["Invoice address wrong"]),
        ("1002", ["Invoice address wrong"]),
        ("depot", ["Parcel delayed at the depot"]),
        ("delays", ["Parcel delayed at the depot"]),
        ("parc del", ["Parcel delayed at the depot"]),
        ("postcode", ["Invoice address wrong"]),
        ("tortoiseshell", ["Invoice address wrong"]),
        ("van broke", ["Parcel delayed at the depot"]),
        ("Fairweather", ["Parcel delayed at the depot"]),
        ("jane.fairweather@example.org", ["Parcel delayed at the depot"]),
        ("example.org", ["Parcel delayed at the depot"]),
        ("+49 30 901820", ["Parcel delayed at the depot"]),
        ("030 901820", ["Parcel delayed at the depot"]),
        ("jane depot", ["Parcel delayed at the depot"]),
        ("jane invoice", []),
        ("nothing-like-this", []),
    ],
)
def test_search_finds_cases_by_what_agents_type(actors, cases, text, expected):
    assert found(actors.tenant_a, text) == expected


def test_search_never_returns_another_tenants_case(actors, cases):
    assert found(actors.tenant_b, "invoice") == []
    assert found(actors.tenant_b, "Fairweather") == ["Parcel delayed at the depot"]
    assert len(found(actors.tenant_b, "ALPHA-1001")) == 0


def test_search_follows_customer_changes_without_touching_cases(actors, cases):
    customer_update(actor=None, customer=cases["jane"], changes={"name": "Jane Rainfall"})
    customer_set_contact_points(actor=None, customer=cases["jane"], emails=["jr@new.test"], phones=[])
    assert found(actors.tenant_a, "Rainfall") == ["Parcel delayed at the depot"]
    assert found(actors.tenant_a, "Fairweather") == []
    assert found(actors.tenant_a, "jr@new.test") == ["Parcel delayed at the depot"]


def test_search_finds_a_linked_order_number(actors, cases):
    order = OrderFactory(customer=cases["jane"], order_number="WEB-77123")
    case_link_order(actor=None, case=cases["parcel"], order=order)
    assert found(actors.tenant_a, "WEB-77123") == ["Parcel delayed at the depot"]
    assert found(actors.tenant_a, "77123") == ["Parcel delayed at the depot"]


@pytest.mark.parametrize("text", ["'", "a & b | !c", "(*)", ":*", "\\", "<->", "   "])
def test_tsquery_syntax_in_the_search_box_is_harmless(actors, cases, text):
    found(actors.tenant_a, text)
