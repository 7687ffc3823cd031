"""Full-text search over cases, through `CaseSearchVector` (see its docstring for why that table
sits outside row-level security).

`case_search_refresh` rebuilds the vectors of the given cases from: the reference, whole and in
parts ("ACME-1042", "acme", "1042"); subject; linked order number (also whole); the customer's search document
(name, addresses, phone digits, external id); description and every message and note body; and
one exact lexeme per tag (`tag:vip`), so the tag filter uses the same index. Text is indexed with
the `simple` configuration (exact words, names, addresses) and, for prose, `english` as well, so a
word also finds its inflections. Case services call the refresh in the transaction of each change
to those texts; customer services call `case_search_refresh_for_customer`.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q

from apps.cases.models import Case, EntryKind
from apps.common.search import prefix_term_query, search_terms
from apps.customers.models import Customer
from apps.tenants.models import Tenant

# Bodies beyond this are not indexed (a tsvector is limited to 1 MB; nobody searches page 40 of a mail).
MAX_INDEXED_TEXT = 200_000
SEARCHED_KINDS = (EntryKind.MESSAGE_IN, EntryKind.MESSAGE_OUT, EntryKind.NOTE)
HYPHENATED = re.compile(r"^[^\W_]+(-[^\W_]+)+$")
NOT_PROSE = re.compile(r"[\d@.]")

REFRESH_SQL = """
INSERT INTO cases_casesearchvector (case_id, tenant_id, vector)
SELECT src.id, src.tenant_id,
    setweight(to_tsvector('simple', src.reference || ' ' || replace(src.reference, '-', ' ')), 'A')
    || setweight(to_tsvector('simple', src.subject), 'A')
    || setweight(to_tsvector('english', src.subject), 'A')
    || setweight(to_tsvector('simple',
        coalesce(o.order_number || ' ' || replace(o.order_number, '-', ' '), '')), 'B')
    || setweight(to_tsvector('simple', coalesce(cs.document, '')), 'B')
    || setweight(to_tsvector('simple', left(src.description || ' ' || coalesce(m.bodies, ''), %s)), 'C')
    || setweight(to_tsvector('english', left(src.description || ' ' || coalesce(m.bodies, ''), %s)), 'C')
    || array_to_tsvector(array_remove(ARRAY[lower(src.reference), lower(o.order_number)], NULL)
        || ARRAY(SELECT 'tag:' || tag FROM unnest(src.tags) AS tag))
FROM cases_case AS src
LEFT JOIN customers_order AS o ON o.id = src.order_id
LEFT JOIN customers_customersearchvector AS cs ON cs.customer_id = src.customer_id
LEFT JOIN LATERAL (
    SELECT string_agg(t.body, ' ' ORDER BY t.seq) AS bodies
    FROM cases_timelineentry AS t
    WHERE t.tenant_id = src.tenant_id AND t.case_id = src.id AND t.kind = ANY(%s)
) AS m ON true
WHERE src.tenant_id = %s AND src.id = ANY(%s)
ON CONFLICT (case_id) DO UPDATE SET vector = EXCLUDED.vector
"""


def case_search_refresh(*, tenant: Tenant | int, case_ids: Iterable[int]) -> None:
    """Rebuild the search vectors of these cases of `tenant` (one statement for any number)."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    ids = list(case_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            REFRESH_SQL,
            [MAX_INDEXED_TEXT, MAX_INDEXED_TEXT, [str(kind) for kind in SEARCHED_KINDS], tenant_id, ids],
        )


def case_search_refresh_for_customer(*, customer: Customer) -> None:
    """After the customer's name, addresses or numbers changed: their cases find them anew."""
    ids = (
        Case.objects.for_tenant(customer.tenant_id)
        .filter(customer_id=customer.pk)
        .values_list("id", flat=True)
    )
    case_search_refresh(tenant=customer.tenant_id, case_ids=list(ids))


class LexemeQuery(SearchQuery):
    """One lexeme as stored, bypassing the text parser: `'tag:vip'::tsquery`, or with `prefix`
    every lexeme starting with it: `'acme-10':*::tsquery`."""

    def __init__(self, lexeme: str, *, prefix: bool = False) -> None:
        quoted = "'" + lexeme.replace("'", "''").replace("\\", "") + "'"
        super().__init__(quoted + (":*" if prefix else ""), search_type="raw")

    def as_sql(self, compiler, connection, function=None, template=None):
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


def _term_query(term: str) -> SearchQuery:
    # A hyphenated code (ACME-1042, WEB-77123, jean-luc) is one stored lexeme; the parser would
    # split it into a phrase whose first word ("acme") matches every case, which is slow.
    if HYPHENATED.match(term):
        return LexemeQuery(term, prefix=True)
    if NOT_PROSE.search(term):
        return prefix_term_query(term)  # digits, addresses, hosts: stemming changes nothing
    return prefix_term_query(term, configs=("simple", "english"))


def case_search_filter(*, text: str, prefix: str = "search_vector__") -> Q | None:
    """A filter matching cases in which every word of `text` (as a prefix) is in the search vector.

    On Case by default; `prefix=""` gives the same filter on CaseSearchVector. None when `text`
    holds no searchable word (the caller then does not filter).
    """
    terms = search_terms(text)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{prefix}vector": _term_query(term)})
    return condition


def case_tag_filter(tag: str, *, prefix: str = "search_vector__") -> Q:
    return Q(**{f"{prefix}vector": LexemeQuery(f"tag:{tag}")})
