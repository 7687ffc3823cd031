"""The queue page (`cases:queue`): view tabs with counts, filters, search, sort, keyset pages, and
the SLA module's "Breaching soon" list as one more tab.

The htmx poll (every 20 s while the tab is visible) asks the same URL with `HX-Target:
queue-rows` and gets only the table body and the tab counts, so the agent keeps their place.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from apps.cases.models import CaseKind, CaseStatus, Priority, SourceChannel
from apps.cases.queue import (
    QueueFilters,
    QueuePage,
    QueueSort,
    QueueView,
    case_queue,
    case_queue_counts,
    queue_filters_from_params,
)
from apps.cases.selectors import assignable_users, team_list
from apps.sla.queues import cases_breaching_soon
from apps.tenants.models import Role
from apps.web.decorators import staff_required

ROWS_TARGET = "queue-rows"
BREACHING = "breaching"  # a view of the SLA module's, beside the queue's own views
# Tab counts stop here ("99+"). An agent's counts check every counted case against the visibility
# rule; at 1,000 per tab that was ~10 ms a page at a million cases, at 100 it is ~1 ms.
TAB_COUNT_CAP = 100
FILTER_PARAMS = (
    "status",
    "priority",
    "kind",
    "channel",
    "team",
    "assignee",
    "tag",
    "created_from",
    "created_to",
)


@dataclass(frozen=True)
class ViewTab:
    value: str
    label: str
    count: int | None
    active: bool

    @property
    def count_label(self) -> str:
        """Counts stop at TAB_COUNT_CAP (so they cost the same at any size): 100 reads "99+"."""
        if self.count is None:
            return ""
        return f"{TAB_COUNT_CAP - 1}+" if self.count >= TAB_COUNT_CAP else str(self.count)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown as a pill with a link that removes it."""

    label: str
    remove_query: str  # the current query string without this filter (and without paging)


def _without(params: QueryDict, name: str) -> str:
    query = params.copy()
    for key in (name, "cursor", "before"):
        query.pop(key, None)
    return query.urlencode()


def default_view(role: str) -> str:
    """Agents start on their own open cases; supervisors and admins on everything open."""
    return QueueView.MINE if role == Role.AGENT else QueueView.OPEN


def _active_filters(
    params: QueryDict, filters: QueueFilters, teams: dict[int, str], people: dict[int, str]
) -> list[ActiveFilter]:
    pills: list[tuple[str, str]] = []
    for param, values, labels in (
        ("status", filters.statuses, CaseStatus),
        ("priority", filters.priorities, Priority),
        ("kind", filters.kinds, CaseKind),
        ("channel", filters.channels, SourceChannel),
    ):
        if values:
            pills.append((", ".join(str(labels(value).label) for value in values), param))
    if filters.team_id is not None:
        pills.append((f"Team: {teams.get(filters.team_id, '?')}", "team"))
    if filters.assignee_id is not None:
        pills.append((f"Assignee: {people.get(filters.assignee_id, '?')}", "assignee"))
    if filters.tag:
        pills.append((f"Tag: {filters.tag}", "tag"))
    if filters.created_from:
        pills.append((f"Created from {filters.created_from:%-d %b %Y}", "created_from"))
    if filters.created_to:
        pills.append((f"Created until {filters.created_to:%-d %b %Y}", "created_to"))
    if filters.query:
        pills.append((f"Search: “{filters.query}”", "q"))
    return [ActiveFilter(label, _without(params, param)) for label, param in pills]


def _tabs(view: str, counts: dict[str, int]) -> list[ViewTab]:
    tabs = []
    for value, label in QueueView.choices:
        tabs.append(ViewTab(value, str(label), counts.get(value), value == view))
        if value == QueueView.ESCALATED:
            tabs.append(ViewTab(BREACHING, "Breaching soon", None, view == BREACHING))
    return tabs


def _page(request: HttpRequest, view: str, sort: str) -> tuple[QueuePage, QueueFilters]:
    """The page of cases to show; ValidationError for parameters that make no sense."""
    if view == BREACHING:
        # The SLA module's list: soonest due first, one short list, no filters or pages.
        cases = cases_breaching_soon(tenant=request.tenant, membership=request.membership)
        return QueuePage(cases=cases, next_cursor=None, view=view, sort=sort), QueueFilters()
    filters = queue_filters_from_params(request.GET)
    page = case_queue(
        tenant=request.tenant,
        membership=request.membership,
        view=view,
        filters=filters,
        sort=sort,
        cursor=request.GET.get("cursor", ""),
        before=request.GET.get("before", ""),
    )
    return page, filters


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    params = request.GET
    view = params.get("view") or default_view(membership.role)
    sort = params.get("sort") or QueueSort.ACTIVITY
    errors: list[str] = []
    try:
        page, filters = _page(request, view, sort)
    except ValidationError as error:
        errors = error.messages
        view = view if view in QueueView.values else QueueView.ALL
        sort = sort if sort in QueueSort.values else QueueSort.ACTIVITY
        filters = QueueFilters()
        page = QueuePage(cases=[], next_cursor=None, view=view, sort=sort)
    counts = case_queue_counts(tenant=request.tenant, membership=membership, cap=TAB_COUNT_CAP)
    context = {
        "page": page,
        "tabs": _tabs(view, counts),
        "view": view,
        "breaching": view == BREACHING,
        "errors": errors,
        "filtered": filters != QueueFilters(),
        "rows_target": ROWS_TARGET,
        # + reference + "/" is the case page: no reverse() per row.
        "case_url_prefix": reverse("cases:queue"),
    }
    status = 400 if errors else 200
    if request.htmx and request.htmx.target == ROWS_TARGET:
        return render(request, "cases/_queue_poll.html", context, status=status)
    teams = list(team_list(tenant=request.tenant))
    people = list(assignable_users(tenant=request.tenant))
    context |= {
        "filters": filters,
        "sort": sort,
        "teams": teams,
        "people": people,
        "active_filters": _active_filters(
            params,
            filters,
            {team.pk: team.name for team in teams},
            {person.pk: str(person) for person in people},
        ),
        "sorts": QueueSort.choices,
        "statuses": CaseStatus.choices,
        "priorities": Priority.choices,
        "kinds": CaseKind.choices,
        "channels": SourceChannel.choices,
        "filters_open": any(params.get(name) for name in FILTER_PARAMS),
    }
    return render(request, "cases/queue.html", context, status=status)
