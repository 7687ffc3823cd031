"""The queue page: views and counts, filters, search, sort, keyset pages, the htmx refresh,
visibility, bad input, and a query count that does not grow with the rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.queue import DEFAULT_PAGE_SIZE
from apps.cases.services import case_assign, case_change_team, case_escalate, case_transition
from apps.tenants.models import Role
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.conftest import client_for
from tests.customers.factories import CustomerFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

QUEUE = "/app/cases/"


def references(response) -> list[str]:
    return re.findall(r'data-reference="([^"]+)"', response.content.decode())


@pytest.fixture
def agent(actors):
    return client_for(actors.tenant_a, actors.agent_a)


def test_agent_lands_on_their_open_cases_with_counts_per_view(actors, agent):
    mine = case_assign(
        actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), assignee=actors.agent_a
    )
    unassigned = CaseFactory(customer__tenant=actors.tenant_a)
    response = agent.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert references(response) == [mine.reference]
    assert re.search(r"My open cases <span class=\"tab-count\">1</span>", html)
    assert re.search(r"Unassigned <span class=\"tab-count\">1</span>", html)
    assert unassigned.reference in agent.get(QUEUE + "?view=unassigned").content.decode()


def test_rows_show_what_an_agent_scans_for(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Ada Lovelace")
    case = CaseFactory(customer=customer, subject="Broken kettle", priority="urgent")
    case = case_escalate(actor=None, case=case, reason="late")
    html = agent.get(QUEUE + "?view=all").content.decode()
    row = html[html.index(f'data-reference="{case.reference}"') :]
    row = row[: row.index("</tr>")]
    for text in ("Broken kettle", case.reference, "Ada Lovelace", "badge-new", "badge-urgent", "Unassigned"):
        assert text in row
    assert "Escalated L1" in row and "<time" in row and "data-relative" in row


def test_supervisor_starts_on_everything_open(actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    response = client_for(actors.tenant_a, actors.supervisor_a).get(QUEUE)
    assert references(response) == [case.reference]


def test_filters_narrow_the_list_and_show_as_removable_pills(actors, agent):
    urgent = CaseFactory(customer__tenant=actors.tenant_a, priority="urgent", tags=["vip"])
    CaseFactory(customer__tenant=actors.tenant_a, priority="low")
    response = agent.get(QUEUE + "?view=all&priority=urgent&tag=vip")
    assert references(response) == [urgent.reference]
    html = response.content.decode()
    assert "Tag: vip" in html and 'href="?view=all&amp;priority=urgent"' in html


def test_status_team_assignee_kind_channel_and_date_filters(actors, agent):
    team = TeamFactory(tenant=actors.tenant_a, name="Returns")
    target = CaseFactory(customer__tenant=actors.tenant_a, kind="complaint", source_channel="phone")
    target = case_change_team(actor=None, case=target, team=team)
    target = case_assign(actor=None, case=target, assignee=actors.agent_a)
    target = case_transition(actor=None, case=target, to_status="in_progress")
    CaseFactory(customer__tenant=actors.tenant_a)
    day = target.created_at.date().isoformat()
    query = (
        f"?view=all&status=in_progress&team={team.pk}&assignee={actors.agent_a.pk}"
        f"&kind=complaint&channel=phone&created_from={day}&created_to={day}"
    )
    assert references(agent.get(QUEUE + query)) == [target.reference]


def test_full_text_search_finds_by_customer_name_and_subject(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a, name="Grace Hopper")
    by_name = CaseFactory(customer=customer, subject="Invoice question")
    by_subject = CaseFactory(customer__tenant=actors.tenant_a, subject="Compiler arrived damaged")
    assert references(agent.get(QUEUE + "?view=all&q=hopper")) == [by_name.reference]
    assert references(agent.get(QUEUE + "?view=all&q=compiler")) == [by_subject.reference]
    html = agent.get(QUEUE + "?view=all&q=nothingmatches").content.decode()
    assert "No case you can see matches “nothingmatches”" in html


def test_sort_by_priority_puts_urgent_first(actors, agent):
    low = CaseFactory(customer__tenant=actors.tenant_a, priority="low")
    urgent = CaseFactory(customer__tenant=actors.tenant_a, priority="urgent")
    normal = CaseFactory(customer__tenant=actors.tenant_a, priority="normal")
    order = references(agent.get(QUEUE + "?view=all&sort=priority"))
    assert order == [urgent.reference, normal.reference, low.reference]


def test_next_and_previous_pages_walk_the_keyset(actors, agent):
    customer = CustomerFactory(tenant=actors.tenant_a)
    for index in range(DEFAULT_PAGE_SIZE + 2):
        CaseFactory(customer=customer, subject=f"Case {index}")
    first = agent.get(QUEUE + "?view=all")
    html = first.content.decode()
    assert len(references(first)) == DEFAULT_PAGE_SIZE
    next_link = re.search(r'rel="next" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    second = agent.get(QUEUE + "?" + next_link)
    assert len(references(second)) == 2
    assert not set(references(second)) & set(references(first))
    prev_link = (
        re.search(r'rel="prev" href="\?([^"]+)"', second.content.decode()).group(1).replace("&amp;", "&")
    )
    assert references(agent.get(QUEUE + "?" + prev_link)) == references(first)


def test_htmx_refresh_returns_only_the_rows_and_the_counts(actors, agent):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    response = agent.get(QUEUE + "?view=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-rows")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tbody") and case.reference in html
    assert 'id="queue-tabs"' in html and 'hx-swap-oob="true"' in html
    assert "<html" not in html and "Filters" not in html
    assert "every 20s [document.visibilityState === 'visible']" in html


def test_agent_does_not_see_cases_of_other_teams_assigned_to_others(actors, agent):
    colleague = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    billing = add_to_team(TeamFactory(tenant=actors.tenant_a, name="Billing"), colleague)
    hidden = case_change_team(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=billing)
    hidden = case_assign(actor=None, case=hidden, assignee=colleague)
    visible = CaseFactory(customer__tenant=actors.tenant_a)
    CaseFactory(customer__tenant=actors.tenant_b)
    assert references(agent.get(QUEUE + "?view=all")) == [visible.reference]
    assert (
        hidden.reference
        in client_for(actors.tenant_a, actors.supervisor_a).get(QUEUE + "?view=all").content.decode()
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ("?view=all&status=lost", "Unknown value(s): lost"),
        ("?view=all&created_from=yesterday", "Give a date as YYYY-MM-DD."),
        ("?view=all&cursor=not-a-cursor", "This page link is not valid"),
        ("?view=everything", "is not a queue view"),
        ("?sort=random", "is not a sort order"),
        ("?team=abc", "Give a number."),
    ],
)
def test_bad_parameters_answer_400_with_a_message_not_a_crash(agent, query, message):
    response = agent.get(QUEUE + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_queue_query_count_does_not_grow_with_rows(actors):
    agent = client_for(actors.tenant_a, actors.supervisor_a)
    customer = CustomerFactory(tenant=actors.tenant_a)
    team = TeamFactory(tenant=actors.tenant_a)
    for index in range(5):
        case_change_team(actor=None, case=CaseFactory(customer=customer, subject=f"Case {index}"), team=team)
    agent.get(QUEUE)  # session, caches
    with_5 = _queries(agent, QUEUE + "?view=all")
    for index in range(25):
        case = CaseFactory(customer=CustomerFactory(tenant=actors.tenant_a), subject=f"More {index}")
        case_assign(
            actor=None, case=case_change_team(actor=None, case=case, team=team), assignee=actors.agent_a
        )
    with_30 = _queries(agent, QUEUE + "?view=all")
    assert with_30 == with_5
    # session, membership, counts, one page query, filter choices, the notice bell, the page's SLA clocks
    assert with_5 <= 14
    polled = agent.get(QUEUE + "?view=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-rows")
    assert len(references(polled)) == 30


def test_breaching_soon_lists_cases_whose_sla_target_is_due_within_two_hours(actors, agent):
    from datetime import timedelta

    from apps.common.clock import now
    from apps.sla.models import SlaTimer

    due_soon = CaseFactory(customer__tenant=actors.tenant_a, subject="Due soon")
    CaseFactory(customer__tenant=actors.tenant_a, subject="Plenty of time")
    SlaTimer.objects.for_tenant(actors.tenant_a).filter(case_id=due_soon.pk, kind="acknowledge").update(
        due_at=now() + timedelta(minutes=45)
    )
    response = agent.get(QUEUE + "?view=breaching")
    html = response.content.decode()
    assert response.status_code == 200
    assert references(response) == [due_soon.reference]
    assert 'aria-current="page">Breaching soon' in html
    assert "Filters and sorting do not apply" in html and "Apply filters" not in html


def test_a_tab_count_at_the_cap_reads_as_more_than(actors, agent, monkeypatch):
    import apps.cases.views.queue

    monkeypatch.setattr(apps.cases.views.queue, "TAB_COUNT_CAP", 3)
    for index in range(4):
        CaseFactory(customer__tenant=actors.tenant_a, subject=f"Pool {index}")
    html = agent.get(QUEUE).content.decode()
    assert 'Unassigned <span class="tab-count">2+</span>' in html
