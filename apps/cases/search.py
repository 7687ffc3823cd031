"""Full-text search over cases: the stored `Case.search_vector` and the customer's own vector.

`case_search_refresh` rebuilds the vector of the given cases from their reference (whole and in
parts, so "ACME-1042", "acme" and "1042" all match), subject, description, linked order number and
the bodies of their messages and notes. Case services call it in the transaction of every change to
those texts. Customer name, addresses and phone numbers are not copied into cases: a search word
matches a case when it is in the case's vector *or* in its customer's (`Customer.search_vector`),
so editing a customer never has to rewrite their cases.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from apps.cases.models import EntryKind
from apps.common.search import prefix_term_query, search_terms
from apps.customers.models import Customer
from apps.tenants.models import Tenant

# Bodies beyond this are not indexed (a tsvector is limited to 1 MB; nobody searches page 40 of a mail).
MAX_INDEXED_TEXT = 200_000
SEARCHED_KINDS = (EntryKind.MESSAGE_IN, EntryKind.MESSAGE_OUT, EntryKind.NOTE)

REFRESH_SQL = """
UPDATE cases_case AS c SET search_vector =
    setweight(to_tsvector('simple', c.reference || ' ' || replace(c.reference, '-', ' ')), 'A')
    || setweight(to_tsvector('simple', c.subject), 'A')
    || setweight(to_tsvector('english', c.subject), 'A')
    || setweight(to_tsvector('simple',
        coalesce(o.order_number || ' ' || replace(o.order_number, '-', ' '), '')), 'B')
    || setweight(to_tsvector('simple', left(c.description || ' ' || coalesce(m.bodies, ''), %s)), 'C')
    || setweight(to_tsvector('english', left(c.description || ' ' || coalesce(m.bodies, ''), %s)), 'C')
FROM cases_case AS src
LEFT JOIN customers_order AS o ON o.id = src.order_id
LEFT JOIN LATERAL (
    SELECT string_agg(t.body, ' ' ORDER BY t.seq) AS bodies
    FROM cases_timelineentry AS t
    WHERE t.tenant_id = src.tenant_id AND t.case_id = src.id AND t.kind = ANY(%s)
) AS m ON true
WHERE c.id = src.id AND src.tenant_id = %s AND src.id = ANY(%s)
"""


def case_search_refresh(*, tenant: Tenant | int, case_ids: Iterable[int]) -> None:
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    ids = list(case_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            REFRESH_SQL,
            [MAX_INDEXED_TEXT, MAX_INDEXED_TEXT, [str(kind) for kind in SEARCHED_KINDS], tenant_id, ids],
        )


def case_search_filter(*, tenant: Tenant | int, text: str) -> Q | None:
    """A filter on Case: every word of `text` is in the case's vector or in its customer's.

    None when `text` holds no searchable word (the caller then does not filter).
    """
    terms = search_terms(text)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        customers = Customer.objects.for_tenant(tenant).filter(search_vector=prefix_term_query(term))
        condition &= Q(search_vector=prefix_term_query(term, configs=("simple", "english"))) | Q(
            customer_id__in=customers.values("id")
        )
    return condition
