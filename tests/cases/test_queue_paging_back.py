"""Keyset pagination backwards: `before` gives the page in front, in the same order, in one query."""

from datetime import timedelta

import pytest

from apps.cases.queue import QueueSort, QueueView, case_queue, encode_cursor
from apps.cases.selectors import TENANT_WIDE
from tests.cases.factories import CaseFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def page(tenant, **kwargs):
    return case_queue(tenant=tenant, membership=TENANT_WIDE, view=QueueView.ALL, page_size=3, **kwargs)


def ids(queue_page) -> list[int]:
    return [case.pk for case in queue_page.cases]


@pytest.mark.parametrize("sort", QueueSort.values)
def test_paging_forward_then_back_returns_the_same_pages(actors, sort):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(8):
        CaseFactory(customer=customer, subject=f"Case {index}", priority=["low", "high"][index % 2])
    first = page(actors.tenant_a, sort=sort)
    second = page(actors.tenant_a, sort=sort, cursor=first.next_cursor)
    third = page(actors.tenant_a, sort=sort, cursor=second.next_cursor)
    assert not first.has_previous and second.has_previous and not third.has_next

    back_to_second = page(actors.tenant_a, sort=sort, before=third.previous_cursor)
    back_to_first = page(actors.tenant_a, sort=sort, before=back_to_second.previous_cursor)

    assert ids(back_to_second) == ids(second)
    assert ids(back_to_first) == ids(first)
    assert not back_to_first.has_previous
    assert back_to_second.next_cursor == second.next_cursor


def test_paging_back_is_one_query(actors, django_assert_num_queries):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(5):
        CaseFactory(customer=customer, subject=f"Case {index}")
    second = page(actors.tenant_a, cursor=page(actors.tenant_a).next_cursor)
    with django_assert_num_queries(1):
        page(actors.tenant_a, before=second.previous_cursor)


def test_a_cursor_past_the_end_still_leads_back(actors):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(3):
        CaseFactory(customer=customer, subject=f"Case {index}")
    first = page(actors.tenant_a)
    oldest = first.cases[-1]

    beyond = page(actors.tenant_a, cursor=encode_cursor([oldest.last_activity_at - timedelta(days=1), 1]))
    assert beyond.cases == [] and beyond.previous_cursor is not None
    assert ids(page(actors.tenant_a, before=beyond.previous_cursor)) == ids(first)
