from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from apps.cases.models import Case, CaseStatus
from apps.cases.queue import (
    QueueFilters,
    QueueSort,
    QueueView,
    case_queue,
    case_queue_counts,
    queue_filters_from_params,
)
from apps.cases.selectors import TENANT_WIDE, case_by_reference, case_timeline
from apps.cases.services import (
    case_add_note,
    case_assign,
    case_change_team,
    case_customer_message,
    case_escalate,
    case_reply,
    case_set_priority,
    case_set_tags,
    case_transition,
)
from apps.tenants.models import Membership
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def member(actors, user=None) -> Membership:
    return Membership.objects.for_tenant(actors.tenant_a).get(user=user or actors.agent_a)


def make_cases(tenant, count: int) -> list[Case]:
    customer = CustomerFactory(tenant=tenant)
    return [CaseFactory(customer=customer, subject=f"Case {index}") for index in range(count)]


def walk(tenant, membership, *, sort: str, view: str = QueueView.ALL, page_size: int = 3) -> list[list[int]]:
    pages, cursor = [], ""
    while True:
        page = case_queue(
            tenant=tenant, membership=membership, view=view, sort=sort, cursor=cursor, page_size=page_size
        )
        pages.append([case.pk for case in page.cases])
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def test_views_select_the_right_cases(actors):
    tenant = actors.tenant_a
    mine, unassigned, pending, escalated, closed = make_cases(tenant, 5)
    case_assign(actor=None, case=mine, assignee=actors.agent_a)
    pending = case_transition(actor=None, case=pending, to_status=CaseStatus.PENDING_CUSTOMER)
    case_assign(actor=None, case=pending, assignee=actors.supervisor_a)
    escalated = case_assign(actor=None, case=escalated, assignee=actors.supervisor_a)
    case_escalate(actor=None, case=escalated, reason="late")
    case_assign(actor=None, case=closed, assignee=actors.agent_a)
    for status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        closed = case_transition(actor=None, case=closed, to_status=status)

    def ids(view):
        return {
            case.pk
            for case in case_queue(
                tenant=tenant, membership=member(actors, actors.supervisor_a), view=view
            ).cases
        }

    assert ids(QueueView.MINE) == {pending.pk, escalated.pk}
    assert {
        c.pk for c in case_queue(tenant=tenant, membership=member(actors), view=QueueView.MINE).cases
    } == {mine.pk}
    assert ids(QueueView.UNASSIGNED) == {unassigned.pk}
    assert ids(QueueView.PENDING_CUSTOMER) == {pending.pk}
    assert ids(QueueView.ESCALATED) == {escalated.pk}
    assert ids(QueueView.OPEN) == {mine.pk, unassigned.pk, pending.pk, escalated.pk}
    assert ids(QueueView.ALL) == {mine.pk, unassigned.pk, pending.pk, escalated.pk, closed.pk}
    counts = case_queue_counts(tenant=tenant, membership=member(actors))
    assert counts == {"mine": 1, "unassigned": 1, "pending_customer": 0, "escalated": 0, "open": 2}
    counts = case_queue_counts(tenant=tenant, membership=member(actors, actors.supervisor_a))
    assert counts == {"mine": 2, "unassigned": 1, "pending_customer": 1, "escalated": 1, "open": 4}


def test_filters_narrow_the_queue(actors, time_machine):
    tenant = actors.tenant_a
    team = add_to_team(TeamFactory(tenant=tenant), actors.agent_a)
    time_machine.move_to("2026-01-10 12:00:00Z", tick=False)
    first = CaseFactory(customer__tenant=tenant, kind="complaint", source_channel="email")
    time_machine.move_to("2026-01-20 12:00:00Z", tick=False)
    second = CaseFactory(customer__tenant=tenant, kind="inquiry", source_channel="sms")
    case_set_priority(actor=None, case=first, priority="urgent")
    case_set_tags(actor=None, case=second, tags=["vip"])
    case_change_team(actor=None, case=second, team=team)
    case_assign(actor=None, case=first, assignee=actors.agent_a)

    def ids(**filters):
        page = case_queue(
            tenant=tenant, membership=TENANT_WIDE, view=QueueView.ALL, filters=QueueFilters(**filters)
        )
        return [case.pk for case in page.cases]

    assert ids(priorities=("urgent",)) == [first.pk]
    assert ids(kinds=("inquiry",)) == [second.pk]
    assert ids(channels=("email",)) == [first.pk]
    assert ids(team_id=team.pk) == [second.pk]
    assert ids(assignee_id=actors.agent_a.pk) == [first.pk]
    assert ids(tag="vip") == [second.pk]
    assert ids(statuses=("new",), created_from=date(2026, 1, 15)) == [second.pk]
    assert ids(created_to=date(2026, 1, 10)) == [first.pk]
    assert ids(created_from=date(2026, 1, 11), created_to=date(2026, 1, 19)) == []


@pytest.mark.parametrize("sort", QueueSort.values)
def test_keyset_pages_cover_every_case_once_in_order(actors, sort, time_machine):
    time_machine.move_to("2026-02-01 08:00:00Z", tick=False)
    cases = make_cases(actors.tenant_a, 10)
    for index, case in enumerate(cases):
        if index % 3 == 0:
            case_set_priority(actor=None, case=case, priority="high")
    pages = walk(actors.tenant_a, TENANT_WIDE, sort=sort)
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(case.pk for case in cases)
    ordering = {
        QueueSort.ACTIVITY: ["-last_activity_at", "-id"],
        QueueSort.NEWEST: ["-created_at", "-id"],
        QueueSort.OLDEST: ["created_at", "id"],
        QueueSort.PRIORITY: ["-priority_rank", "-last_activity_at", "-id"],
    }[sort]
    assert seen == list(
        Case.objects.for_tenant(actors.tenant_a).order_by(*ordering).values_list("pk", flat=True)
    )
    assert [len(page) for page in pages] == [3, 3, 3, 1]


def test_a_new_case_does_not_shift_the_next_page(actors):
    make_cases(actors.tenant_a, 6)
    first = case_queue(tenant=actors.tenant_a, membership=TENANT_WIDE, view=QueueView.ALL, page_size=3)
    CaseFactory(customer__tenant=actors.tenant_a)
    second = case_queue(
        tenant=actors.tenant_a,
        membership=TENANT_WIDE,
        view=QueueView.ALL,
        page_size=3,
        cursor=first.next_cursor,
    )
    assert not {case.pk for case in first.cases} & {case.pk for case in second.cases}
    assert len(second.cases) == 3


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwxXQ", "WzEsMl0"])
def test_a_broken_cursor_is_a_clear_validation_error(actors, cursor):
    with pytest.raises(ValidationError, match="page link"):
        case_queue(tenant=actors.tenant_a, membership=TENANT_WIDE, cursor=cursor)


def test_filters_are_read_from_query_parameters():
    params = QueryDict(
        "status=new&status=in_progress&priority=high,urgent&team=4&tag=VIP&created_from=2026-01-02&q=lamp"
    )
    filters = queue_filters_from_params(params)
    assert filters.statuses == ("new", "in_progress")
    assert filters.priorities == ("high", "urgent")
    assert (filters.team_id, filters.tag, filters.query) == (4, "vip", "lamp")
    assert filters.created_from == date(2026, 1, 2)
    with pytest.raises(ValidationError, match="Unknown value"):
        queue_filters_from_params(QueryDict("status=lost"))
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        queue_filters_from_params({"created_to": "yesterday"})
    with pytest.raises(ValidationError, match="number"):
        queue_filters_from_params({"assignee": "me"})


def _queue_queries(actors, django_assert_num_queries, membership, *, query: str = "", expected: int = 1):
    with django_assert_num_queries(expected):
        page = case_queue(
            tenant=actors.tenant_a,
            membership=membership,
            view=QueueView.OPEN,
            filters=QueueFilters(query=query, priorities=("normal",)),
            page_size=25,
        )
        for case in page.cases:
            str(case.customer), str(case.assignee), str(case.team)
    return page


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_the_queue_page_is_one_query_however_many_cases(actors, django_assert_num_queries, who):
    membership = member(actors, actors.agent_a if who == "agent" else actors.supervisor_a)
    team = add_to_team(TeamFactory(tenant=actors.tenant_a), actors.agent_a)
    cases = make_cases(actors.tenant_a, 5)
    for case in cases:
        case_change_team(
            actor=None, case=case_assign(actor=None, case=case, assignee=actors.agent_a), team=team
        )
    assert len(_queue_queries(actors, django_assert_num_queries, membership).cases) == 5
    assert (
        len(_queue_queries(actors, django_assert_num_queries, membership, query="case", expected=2).cases)
        == 5
    )
    make_cases(actors.tenant_a, 40)
    page = _queue_queries(actors, django_assert_num_queries, membership)
    assert len(page.cases) == 25 and page.has_next
    searched = _queue_queries(actors, django_assert_num_queries, membership, query="case", expected=2)
    assert [case.pk for case in searched.cases] == [case.pk for case in page.cases]
    with django_assert_num_queries(1):
        case_queue(tenant=actors.tenant_a, membership=membership, cursor=page.next_cursor)
    with django_assert_num_queries(1):
        case_queue_counts(tenant=actors.tenant_a, membership=membership)


def test_a_search_with_many_matches_pages_the_same_as_one_with_few(actors, monkeypatch):
    make_cases(actors.tenant_a, 7)

    def pages():
        return walk_search(actors.tenant_a, "case")

    few = pages()
    monkeypatch.setattr("apps.cases.queue.SEARCH_CANDIDATES", 2)
    many = pages()
    assert few == many and sum(len(page) for page in few) == 7


def walk_search(tenant, text: str) -> list[list[int]]:
    pages, cursor = [], ""
    while True:
        page = case_queue(
            tenant=tenant,
            membership=TENANT_WIDE,
            view=QueueView.ALL,
            filters=QueueFilters(query=text),
            cursor=cursor,
            page_size=3,
        )
        pages.append([case.pk for case in page.cases])
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def test_view_counts_stop_at_the_cap(actors, monkeypatch):
    make_cases(actors.tenant_a, 4)
    monkeypatch.setattr("apps.cases.queue.COUNT_CAP", 3)
    counts = case_queue_counts(tenant=actors.tenant_a, membership=TENANT_WIDE)
    assert counts == {"mine": 0, "unassigned": 3, "pending_customer": 0, "escalated": 0, "open": 3}


def _case_page_queries(actors, django_assert_num_queries, reference):
    viewer = member(actors)
    with django_assert_num_queries(5):
        case = case_by_reference(tenant=actors.tenant_a, membership=viewer, reference=reference)
        entries = case_timeline(case=case)
        for entry in entries:
            entry.author_name, list(entry.attachments.all())
        str(case.customer), str(case.assignee), str(case.team), str(case.order)
        list(case.customer.contact_points.all()), list(case.customer.consents.all())
    return entries


def test_the_case_page_takes_the_same_queries_however_long_the_timeline(
    actors, django_assert_num_queries, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    case = case_assign(
        actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), assignee=actors.agent_a
    )
    assert len(_case_page_queries(actors, django_assert_num_queries, case.reference)) == 2
    for index in range(10):
        upload = SimpleUploadedFile(f"note{index}.txt", b"hello")
        case_add_note(actor=actors.agent_a, case=case, body=f"note {index}", attachments=[upload])
        case_reply(actor=actors.agent_a, case=case, body=f"reply {index}")
        case_customer_message(case=case, body=f"answer {index}", channel="portal")
    assert len(_case_page_queries(actors, django_assert_num_queries, case.reference)) == 32


def test_the_customer_view_of_the_timeline_leaves_internal_entries_out(actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    case_add_note(actor=actors.agent_a, case=case, body="secret")
    case_reply(actor=actors.agent_a, case=case, body="public")
    kinds = [entry.kind for entry in case_timeline(case=case, include_internal=False)]
    assert kinds == ["system", "message_out"]
