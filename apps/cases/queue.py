"""The agent's queue: views, filters, full-text search, sort orders and keyset pagination.

Built for a million cases per tenant. Each page is one query (cases with customer, assignee and
team joined) that walks an index leading with `tenant_id` in the sort order and stops after one
page: the cursor is the sort key of the last row seen (`(last_activity_at, id) < (…)`), never an
OFFSET, so page 500 costs what page 1 costs, and rows arriving meanwhile do not shift pages.
"""

import base64
import binascii
import json
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q, TextChoices
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from apps.cases.models import (
    OPEN,
    PRIORITY_RANK,
    Case,
    CaseKind,
    CaseSearchVector,
    CaseStatus,
    Priority,
    SourceChannel,
)
from apps.cases.search import case_search_filter, case_tag_filter
from apps.cases.selectors import TenantWide, cases_visible_to
from apps.tenants.models import Membership, Tenant

DEFAULT_PAGE_SIZE = 50
# A search matching at most this many cases is answered from their ids (see _search_condition).
SEARCH_CANDIDATES = 2000
# View tabs count up to this many cases (see case_queue_counts).
COUNT_CAP = 1000
MAX_PAGE_SIZE = 200


class QueueView(TextChoices):
    MINE = "mine", "My open cases"
    UNASSIGNED = "unassigned", "Unassigned"
    PENDING_CUSTOMER = "pending_customer", "Pending customer"
    ESCALATED = "escalated", "Escalated"
    OPEN = "open", "All open"
    ALL = "all", "All"


class QueueSort(TextChoices):
    ACTIVITY = "activity", "Recently active"
    NEWEST = "newest", "Newest"
    OLDEST = "oldest", "Oldest"
    PRIORITY = "priority", "Most urgent"


# Sort key columns (all in one direction, so a row comparison matches an index scan) and direction.
SORT_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    QueueSort.ACTIVITY: (("last_activity_at", "id"), True),
    QueueSort.NEWEST: (("created_at", "id"), True),
    QueueSort.OLDEST: (("created_at", "id"), False),
    QueueSort.PRIORITY: (("priority_rank", "last_activity_at", "id"), True),
}


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    team_id: int | None = None
    assignee_id: int | None = None
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None
    query: str = ""


@dataclass(frozen=True)
class QueuePage:
    cases: list[Case]
    next_cursor: str | None
    view: str
    sort: str
    filters: QueueFilters = field(default_factory=QueueFilters)
    # The cursor to pass as `before` for the page in front of this one (None on the first page).
    previous_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def _view_condition(view: str, user_id: int | None) -> Q:
    if view == QueueView.MINE:
        # A tenant-wide caller (an API key) is nobody's assignee: its "mine" is empty.
        return OPEN & Q(assignee_id=user_id) if user_id is not None else Q(pk__in=[])
    if view == QueueView.UNASSIGNED:
        return OPEN & Q(assignee__isnull=True)
    if view == QueueView.PENDING_CUSTOMER:
        return Q(status=CaseStatus.PENDING_CUSTOMER)
    if view == QueueView.ESCALATED:
        return OPEN & Q(escalation_level__gt=0)
    if view == QueueView.OPEN:
        return OPEN
    return Q()


def _day_start(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


def _filter_condition(filters: QueueFilters, tenant: Tenant) -> Q:
    condition = Q()
    for name, values in (
        ("status", filters.statuses),
        ("kind", filters.kinds),
        ("source_channel", filters.channels),
    ):
        if values:
            condition &= Q(**{f"{name}__in": list(values)})
    if filters.priorities:
        # By rank: the priority sort index (tenant, priority_rank, last_activity_at) then serves it.
        condition &= Q(priority_rank__in=[PRIORITY_RANK[priority] for priority in filters.priorities])
    if filters.team_id is not None:
        condition &= Q(team_id=filters.team_id)
    if filters.assignee_id is not None:
        condition &= Q(assignee_id=filters.assignee_id)
    # Dates are calendar days in the tenant's time zone, both ends included.
    if filters.created_from:
        condition &= Q(created_at__gte=_day_start(filters.created_from, tenant.time_zone))
    if filters.created_to:
        condition &= Q(created_at__lt=_day_start(filters.created_to + timedelta(days=1), tenant.time_zone))
    return condition


def _vector_condition(filters: QueueFilters, prefix: str) -> Q | None:
    """The search words and tag as one filter on the search vector (None: neither given)."""
    conditions = [
        condition
        for condition in (
            case_search_filter(text=filters.query, prefix=prefix) if filters.query else None,
            case_tag_filter(filters.tag, prefix=prefix) if filters.tag else None,
        )
        if condition is not None
    ]
    if not conditions:
        return None
    combined = Q()
    for condition in conditions:
        combined &= condition
    return combined


def _search_condition(tenant: Tenant, filters: QueueFilters) -> Q:
    """Search and tag, planned by hand because PostgreSQL cannot estimate prefix searches.

    A first query asks the GIN index for up to SEARCH_CANDIDATES matching cases. If that is all of
    them (a name, an address, a reference: the usual search), the page is picked from those ids
    (primary-key lookups, then sort). If there are more (a common word), matches are dense, and the
    page query walks the sort index and keeps the matching rows, stopping after one page. Left to
    itself the planner walks the index for rare words too, which at a million cases takes seconds.
    """
    condition = _vector_condition(filters, prefix="")
    if condition is None:
        return Q()
    candidates = list(
        CaseSearchVector.objects.for_tenant(tenant)
        .filter(condition)
        .values_list("case_id", flat=True)[: SEARCH_CANDIDATES + 1]
    )
    if len(candidates) <= SEARCH_CANDIDATES:
        return Q(pk__in=candidates)
    return _vector_condition(filters, prefix="search_vector__")


def encode_cursor(values: list[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort key in `cursor`; ValidationError for anything that is not a cursor of this sort."""
    columns, _ = SORT_KEYS[sort]
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        decoded: list[Any] = []
        for column, value in zip(columns, values, strict=True):
            if column.endswith("_at"):
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError
                decoded.append(parsed)
            elif isinstance(value, int) and not isinstance(value, bool):
                decoded.append(value)
            else:
                raise ValueError
        return decoded
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(
            {"cursor": "This page link is not valid (any more); start from the first page."}
        ) from None


def case_queue(
    *,
    tenant: Tenant,
    membership: Membership | TenantWide,
    view: str = QueueView.OPEN,
    filters: QueueFilters | None = None,
    sort: str = QueueSort.ACTIVITY,
    cursor: str = "",
    before: str = "",
    page_size: int = DEFAULT_PAGE_SIZE,
) -> QueuePage:
    """One page of the queue: the visible cases in `view`, filtered, sorted, after `cursor`
    (or, paging back, the page just in front of `before`).

    One query, whatever the page or the number of cases (two with a search or tag: see
    `_search_condition`). Rows carry `customer`,
    `assignee` and `team`; the case `description` (possibly long) is not loaded.
    """
    filters = filters or QueueFilters()
    if view not in QueueView.values:
        raise ValidationError({"view": f"“{view}” is not a queue view ({', '.join(QueueView.values)})."})
    if sort not in QueueSort.values:
        raise ValidationError({"sort": f"“{sort}” is not a sort order ({', '.join(QueueSort.values)})."})
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    user_id = None if isinstance(membership, TenantWide) else membership.user_id
    columns, descending = SORT_KEYS[sort]
    cases = (
        cases_visible_to(tenant=tenant, membership=membership)
        .filter(_view_condition(view, user_id))
        .filter(_filter_condition(filters, tenant))
        .filter(_search_condition(tenant, filters))
        .select_related("customer", "assignee", "team")
        .defer("description")
        .order_by(*[f"-{column}" if descending else column for column in columns])
    )
    if before:
        return _page_before(cases, before, columns, descending, page_size, view, sort, filters)
    if cursor:
        after = Tuple(*[F(column) for column in columns])
        lookup = TupleLessThan if descending else TupleGreaterThan
        cases = cases.filter(lookup(after, decode_cursor(cursor, sort)))
    rows = list(cases[: page_size + 1])
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = _cursor_of(rows[-1], columns)
    previous_cursor = None
    if cursor:
        # Past the end (rows empty) the page in front starts at the cursor itself.
        previous_cursor = _cursor_of(rows[0], columns) if rows else cursor
    return QueuePage(
        cases=rows,
        next_cursor=next_cursor,
        view=view,
        sort=sort,
        filters=filters,
        previous_cursor=previous_cursor,
    )


def _page_before(
    cases: Any,
    before: str,
    columns: tuple[str, ...],
    descending: bool,
    page_size: int,
    view: str,
    sort: str,
    filters: QueueFilters,
) -> QueuePage:
    """Paging back: walk the same index the other way from `before`, then restore the order.

    Still one query; the page after this one is the one the agent came from, so it always has
    a next cursor (unless empty).
    """
    key = Tuple(*[F(column) for column in columns])
    lookup = TupleGreaterThan if descending else TupleLessThan
    rows = list(cases.filter(lookup(key, decode_cursor(before, sort))).reverse()[: page_size + 1])
    more_in_front = len(rows) > page_size
    rows = rows[:page_size][::-1]
    return QueuePage(
        cases=rows,
        next_cursor=_cursor_of(rows[-1], columns) if rows else None,
        view=view,
        sort=sort,
        filters=filters,
        previous_cursor=_cursor_of(rows[0], columns) if more_in_front else None,
    )


def _cursor_of(case: Case, columns: tuple[str, ...]) -> str:
    return encode_cursor([getattr(case, column) for column in columns])


def case_queue_counts(
    *, tenant: Tenant, membership: Membership | TenantWide, cap: int | None = None
) -> dict[str, int]:
    """How many visible cases each open-work view holds (for the view tabs), in one statement.

    Each count stops at `cap` (default COUNT_CAP; show the cap as "999+"): a count walks its view's
    partial index, and stopping there keeps the tabs as cheap at a million cases as at a thousand.
    (For an agent each counted row is also checked against the visibility rule, so a smaller cap is
    cheaper still.) `all` is left out: nobody works from the number of every case ever.
    """
    user_id = None if isinstance(membership, TenantWide) else membership.user_id
    visible = cases_visible_to(tenant=tenant, membership=membership)
    views = (
        QueueView.MINE,
        QueueView.UNASSIGNED,
        QueueView.PENDING_CUSTOMER,
        QueueView.ESCALATED,
        QueueView.OPEN,
    )
    parts, params = [], []
    for view in views:
        if view == QueueView.MINE and user_id is None:
            parts.append("0")  # see _view_condition
            continue
        capped = visible.filter(_view_condition(view, user_id)).values("id")[: cap or COUNT_CAP]
        sql, view_params = capped.query.sql_with_params()
        # Django-compiled and parameterised (the values travel in `params`).
        parts.append(f"(SELECT count(*) FROM ({sql}) AS counted)")  # noqa: S608
        params.extend(view_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {str(view): count for view, count in zip(views, row, strict=True)}


def _choices(params: Mapping[str, Any], name: str, allowed: list[str]) -> tuple[str, ...]:
    raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name) or []
    values = [raw] if isinstance(raw, str) else list(raw)
    values = [item for value in values for item in str(value).split(",") if item]
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError(
            {name: f"Unknown value(s): {', '.join(unknown)}. Choose from {', '.join(allowed)}."}
        )
    return tuple(dict.fromkeys(values))


def _integer(params: Mapping[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a number."}) from None


def _day(params: Mapping[str, Any], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({name: "Give a date as YYYY-MM-DD."}) from None


def queue_filters_from_params(params: Mapping[str, Any]) -> QueueFilters:
    """Read filters from query parameters (a QueryDict or a dict), as the workspace and the API
    use them: `status`, `priority`, `kind`, `channel` (repeatable or comma-separated), `team`,
    `assignee` (ids), `tag`, `created_from`, `created_to` (YYYY-MM-DD), `q` (search)."""
    return QueueFilters(
        statuses=_choices(params, "status", CaseStatus.values),
        priorities=_choices(params, "priority", Priority.values),
        kinds=_choices(params, "kind", CaseKind.values),
        channels=_choices(params, "channel", SourceChannel.values),
        team_id=_integer(params, "team"),
        assignee_id=_integer(params, "assignee"),
        tag=str(params.get("tag") or "").strip().lower(),
        created_from=_day(params, "created_from"),
        created_to=_day(params, "created_to"),
        query=str(params.get("q") or "").strip()[:200],
    )
