"""Queue scaling benchmark: does the agent workspace stay as fast at a million cases as at a thousand?

    python bench/queue_scaling.py                 # or: make bench-queue
    python bench/queue_scaling.py --large 300000  # a smaller "large" tenant
    python bench/queue_scaling.py --reseed        # drop the benchmark database and seed again

One PostgreSQL database of its own (`tidings_bench_queue` on the server of DATABASE_URL, or
BENCH_DATABASE_URL) holds three tenants: `bench-small` with --small cases (default 1,000),
`bench-middle` with --middle (100,000) and `bench-large` with --large (1,000,000), generated with
the same distribution by set-based INSERT … SELECT generate_series (no Python row loop): statuses
(most cases closed, about
a tenth open), priorities, kinds, channels, teams, agents, tags, escalations, and per case an
"opened" entry and the customer's first message, with the full-text vector filled in as the case
services would. The database is kept between runs and reused when its tenants have the asked
sizes.

Then the real views answer through Django's test client (middleware, tenancy, RLS, templates and
all), signed in as an agent (team member; sees their teams' cases, the unassigned pool and their
own) or a supervisor. For each page and size: p50 and p95 latency over --requests requests after
--warmup requests (alternating between the tenants), the cases on the page, and the number of SQL
queries of one request. The table prints the ratios large/small and large/middle of the p50s
(goal: ≤ 1.5) and whether the query counts are equal (goal: yes). The small tenant's filtered
pages hold fewer than a page of cases, so large/middle (full pages at both sizes) isolates the
cost of size alone.
"""

import argparse
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "tidings_bench_queue"
SMALL_SLUG, MIDDLE_SLUG, LARGE_SLUG = "bench-small", "bench-middle", "bench-large"
AGENTS, TEAMS = 12, 5
CASES_PER_CUSTOMER = 10
BATCH = 100_000


def bench_database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://tidings@127.0.0.1:5432/tidings"))
    return urlunsplit(base._replace(path=f"/{BENCH_DB}"))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000, help="cases of the small tenant")
    parser.add_argument("--middle", type=int, default=100_000, help="cases of the middle tenant")
    parser.add_argument("--large", type=int, default=1_000_000, help="cases of the large tenant")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page and size")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark database and seed again")
    return parser.parse_args()


# --- the database ----------------------------------------------------------------------------------


def ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"  # no query log, no debug pages: as in production
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-queue")
    import django

    django.setup()


# --- seeding ---------------------------------------------------------------------------------------

SUBJECTS = [
    "Where is my order W%s?",
    "Parcel left in the rain",
    "Refund not received for W%s",
    "Wrong colour delivered",
    "Lamp arrived with a cracked shade",
    "Can I change the delivery address for W%s?",
    "Return label for W%s",
    "Invoice needed for my company",
    "Assembly service did not show up",
    "Do you deliver to Jersey?",
    "Charged twice for W%s",
    "Missing screws in the bookshelf kit",
    "Cancel order W%s please",
    "Discount code not accepted",
    "Courier was rude",
    "Is the oak table back in stock?",
]
BODIES = [
    "Hello, my parcel has not arrived and the tracking page has not changed for days.",
    "The courier left the box at the door in the rain and everything inside is soaked.",
    "I returned the item two weeks ago and still have no refund on my card.",
    "The shade of the walnut desk lamp was cracked when I opened the box.",
    "Could you please send the invoice with our company VAT number on it?",
    "Nobody came for the assembly appointment and nobody called either.",
    "I was charged twice for the same order, please refund one of the payments.",
    "Two screws are missing from the kit, so I cannot finish the bookshelf.",
    "Please cancel my order, I found the same chair in a shop nearby.",
    "Your discount code from the newsletter says it is not valid.",
]
FIRST_NAMES = [
    "Ada",
    "Grace",
    "Alan",
    "Maya",
    "Yusuf",
    "Priya",
    "Lena",
    "Tom",
    "Sofia",
    "Noah",
    "Zara",
    "Felix",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Moreau",
    "Haddad",
    "Shah",
    "Novak",
    "Becker",
    "Garcia",
    "Patel",
]


@dataclass
class World:
    tenant: object
    agent: object
    supervisor: object
    customer_email: str  # a real customer's address, to search by
    references: list[str]  # cases the agent may see, for the case page
    order_numbers: list[str]  # order numbers in subjects of cases the agent may see, to search by


def _people(tenant, slug: str):
    from apps.accounts.models import User
    from apps.cases.services import team_add_member, team_create
    from apps.tenants.models import Role
    from apps.tenants.services import membership_add

    def person(email: str, name: str, role: str):
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None, full_name=name
        )
        membership_add(tenant=tenant, actor=None, user=user, role=role)
        return user

    person(f"supervisor@{slug}.bench", "Sam Supervisor", Role.SUPERVISOR)
    agents = [person(f"agent{i}@{slug}.bench", f"Agent {i:02d}", Role.AGENT) for i in range(AGENTS)]
    teams = [team_create(tenant=tenant, actor=None, name=f"Team {i}") for i in range(TEAMS)]
    for index, agent in enumerate(agents):
        team_add_member(actor=None, team=teams[index % TEAMS], user=agent)
        if index % 2 == 0:
            team_add_member(actor=None, team=teams[(index + 1) % TEAMS], user=agent)
    return agents, teams


CUSTOMERS_SQL = """
INSERT INTO customers_customer (tenant_id, name, locale, time_zone, preferred_channels, update_cadence,
    tags, onboarded_on, external_id, created_at, updated_at)
SELECT %(tenant)s, n.name, 'en', 'Europe/London', ARRAY['email', 'portal'], 'events', '{}',
    (now() - interval '800 days')::date, 'C' || g, now() - interval '800 days', now() - interval '800 days'
FROM generate_series(1, %(count)s) AS g,
LATERAL (SELECT (%(first)s::text[])[1 + g %% %(nfirst)s]
    || ' ' || (%(last)s::text[])[1 + (g / 7) %% %(nlast)s] || ' ' || g AS name) AS n
ORDER BY g
"""

CONTACTS_SQL = """
INSERT INTO customers_contactpoint (tenant_id, customer_id, kind, value, is_primary, is_verified, created_at)
SELECT %(tenant)s, c.id, 'email', 'customer' || substr(c.external_id, 2) || '@example.com', true, false,
    c.created_at
FROM customers_customer c WHERE c.tenant_id = %(tenant)s;
INSERT INTO customers_channelconsent (tenant_id, customer_id, channel, state, source, changed_at)
SELECT %(tenant)s, c.id, 'email', 'granted', 'api', c.created_at
FROM customers_customer c WHERE c.tenant_id = %(tenant)s;
INSERT INTO customers_order (tenant_id, customer_id, order_number, items_summary, total, currency,
    status, carrier, tracking_number, tracking_url, delay_reason, shipping_postcode, placed_at, created_at,
    updated_at)
SELECT %(tenant)s, c.id, %(prefix)s || substr(c.external_id, 2), '1 x Oak bookshelf', 129.00, 'EUR',
    'delivered', 'DHL', 'JD' || c.id, '', '', '', c.created_at, c.created_at, c.created_at
FROM customers_customer c WHERE c.tenant_id = %(tenant)s;
"""

# One row per case from generate_series; r1…r9 are the case's dice (setseed makes runs repeatable).
CASES_SQL = """
INSERT INTO cases_case (tenant_id, number, reference, kind, subject, description, source_channel, priority,
    status, tags, escalation_level, acknowledged_at, resolved_at, closed_at, version, timeline_seq,
    created_at, updated_at, last_activity_at, assignee_id, customer_id, team_id)
SELECT %(tenant)s, 1000 + g, %(prefix)s || (1000 + g), k.kind, s.subject, '',
    k.channel, p.priority, st.status, t.tags,
    CASE WHEN st.open AND r7 < 0.03 THEN 1 ELSE 0 END,
    CASE WHEN st.status <> 'new' THEN created END,
    CASE WHEN st.status IN ('resolved', 'closed') THEN activity END,
    CASE WHEN st.status = 'closed' THEN activity END,
    3, 2, created, activity, activity,
    CASE WHEN r5 < (CASE WHEN st.open THEN 0.85 ELSE 0.95 END)
        THEN (%(agents)s::bigint[])[1 + (r6 * %(nagents)s)::int %% %(nagents)s] END,
    %(first_customer)s + ((g - 1) %% %(customers)s),
    (%(teams)s::bigint[])[1 + (r8 * %(nteams)s)::int %% %(nteams)s]
FROM (
    SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
        random() AS r6, random() AS r7, random() AS r8, random() AS r9
    FROM generate_series(%(start)s, %(stop)s) AS g
) AS dice,
LATERAL (SELECT now() - r3 * interval '730 days' AS created) AS c1,
LATERAL (SELECT least(now(), created + r4 * interval '20 days') AS activity) AS c2,
LATERAL (SELECT CASE
        WHEN r1 < 0.83 THEN 'closed' WHEN r1 < 0.88 THEN 'resolved' WHEN r1 < 0.90 THEN 'new'
        WHEN r1 < 0.91 THEN 'acknowledged' WHEN r1 < 0.95 THEN 'in_progress'
        WHEN r1 < 0.98 THEN 'pending_customer' ELSE 'reopened' END AS status) AS st0,
LATERAL (SELECT st0.status, st0.status NOT IN ('resolved', 'closed') AS open) AS st,
LATERAL (SELECT CASE WHEN r2 < 0.2 THEN 'low' WHEN r2 < 0.75 THEN 'normal' WHEN r2 < 0.95 THEN 'high'
        ELSE 'urgent' END AS priority) AS p,
LATERAL (SELECT
        (ARRAY['inquiry', 'complaint', 'service_request', 'feedback_followup'])[1 + (r9 * 4)::int %% 4]
            AS kind,
        (ARRAY['email', 'sms', 'phone', 'portal', 'chat', 'api'])[1 + (r9 * 60)::int %% 6] AS channel) AS k,
LATERAL (SELECT CASE WHEN r7 > 0.9 THEN ARRAY['vip'] WHEN r7 > 0.8 THEN ARRAY['refund']
        ELSE '{}'::varchar[] END AS tags) AS t,
LATERAL (SELECT replace((%(subjects)s::text[])[1 + (r8 * 1000)::int %% %(nsubjects)s], '%%s',
        (100000 + g %% 900000)::text) AS subject) AS s
"""

TIMELINE_SQL = """
INSERT INTO cases_timelineentry (tenant_id, case_id, seq, kind, channel, direction, visibility, body,
    author_kind, data, pending_delivery, created_at, author_customer_id)
SELECT c.tenant_id, c.id, 1, 'system', '', '', 'customer', 'Case ' || c.reference || ' opened.', 'system',
    jsonb_build_object('event', 'opened', 'source_channel', c.source_channel), false, c.created_at, NULL
FROM cases_case c WHERE c.tenant_id = %(tenant)s AND c.number BETWEEN %(low)s AND %(high)s
UNION ALL
SELECT c.tenant_id, c.id, 2, 'message_in', 'email', 'in', 'customer',
    (%(bodies)s::text[])[1 + (c.id %% %(nbodies)s)], 'customer', '{}'::jsonb, false, c.created_at,
    c.customer_id
FROM cases_case c WHERE c.tenant_id = %(tenant)s AND c.number BETWEEN %(low)s AND %(high)s
"""


def _search_documents(cursor, tenant, started: float, slug: str) -> None:
    """What the services would have indexed: customers' documents, then every case's vector,
    through the domain's own code (`customer_search_text`, `case_search_refresh`)."""
    from apps.cases.search import case_search_refresh
    from apps.customers.contact import customer_search_text
    from apps.customers.models import CustomerSearchVector

    cursor.execute(
        "SELECT c.id, c.name, c.external_id, p.value FROM customers_customer c "
        "JOIN customers_contactpoint p ON p.customer_id = c.id WHERE c.tenant_id = %s",
        [tenant.pk],
    )
    documents = [
        CustomerSearchVector(
            customer_id=customer_id,
            tenant_id=tenant.pk,
            document=customer_search_text(name=name, external_id=external_id, emails=[email], phones=[]),
        )
        for customer_id, name, external_id, email in cursor.fetchall()
    ]
    CustomerSearchVector.objects.bulk_create(documents, batch_size=5_000)
    # Inserts into a GIN index go to its pending list and are merged in bulk: a large list lets a
    # million vectors go in without a per-row index update.
    cursor.execute("SET LOCAL gin_pending_list_limit = '512MB'")
    cursor.execute("SELECT id FROM cases_case WHERE tenant_id = %s ORDER BY id", [tenant.pk])
    ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), BATCH // 5):
        case_search_refresh(tenant=tenant.pk, case_ids=ids[start : start + BATCH // 5])
        done = min(len(ids), start + BATCH // 5)
        print(f"  {slug}: {done:,} search vectors ({time.monotonic() - started:.0f} s)", flush=True)


def seed_tenant(slug: str, cases: int) -> None:
    from django.db import connection, transaction

    from apps.tenants.context import system_context
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    started = time.monotonic()
    with system_context():
        tenant = Tenant.objects.filter(slug=slug).first() or tenant_create(slug=slug, name=slug.title())
    prefix = slug.upper()  # references as the case services make them: BENCH-LARGE-1042
    customers = max(1, cases // CASES_PER_CUSTOMER)
    with system_context(), transaction.atomic():
        agents, teams = _people(tenant, slug)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.4242)")
            common = {"tenant": tenant.pk, "count": customers, "prefix": f"{prefix}-"}
            cursor.execute(
                CUSTOMERS_SQL,
                common
                | {
                    "first": FIRST_NAMES,
                    "last": LAST_NAMES,
                    "nfirst": len(FIRST_NAMES),
                    "nlast": len(LAST_NAMES),
                },
            )
            cursor.execute(CONTACTS_SQL, common | {"prefix": f"{prefix}-O"})
            cursor.execute(
                "SELECT min(id), max(id), count(*) FROM customers_customer WHERE tenant_id = %s", [tenant.pk]
            )
            first, last, count = cursor.fetchone()
            assert last - first + 1 == count == customers, "customer ids are not one run"
            print(f"  {slug}: {customers:,} customers ({time.monotonic() - started:.0f} s)")
            for start in range(1, cases + 1, BATCH):
                stop = min(cases, start + BATCH - 1)
                cursor.execute(
                    CASES_SQL,
                    {
                        "tenant": tenant.pk,
                        "prefix": f"{prefix}-",
                        "start": start,
                        "stop": stop,
                        "agents": [agent.pk for agent in agents],
                        "nagents": len(agents),
                        "teams": [team.pk for team in teams],
                        "nteams": len(teams),
                        "first_customer": first,
                        "customers": customers,
                        "subjects": SUBJECTS,
                        "nsubjects": len(SUBJECTS),
                    },
                )
                cursor.execute(
                    TIMELINE_SQL,
                    {
                        "tenant": tenant.pk,
                        "low": 1000 + start,
                        "high": 1000 + stop,
                        "bodies": BODIES,
                        "nbodies": len(BODIES),
                    },
                )
                print(f"  {slug}: {stop:,} cases ({time.monotonic() - started:.0f} s)", flush=True)
            _search_documents(cursor, tenant, started, slug)
            cursor.execute(
                "INSERT INTO cases_casecounter (tenant_id, last_number) VALUES (%s, %s) "
                "ON CONFLICT (tenant_id) DO UPDATE SET last_number = EXCLUDED.last_number",
                [tenant.pk, 1000 + cases],
            )
    print(f"  {slug}: seeded in {time.monotonic() - started:.0f} s")


def case_count(slug: str) -> int | None:
    from apps.cases.models import Case
    from apps.tenants.context import system_context
    from apps.tenants.models import Tenant

    with system_context():
        tenant = Tenant.objects.filter(slug=slug).first()
        return Case.objects.for_tenant(tenant).count() if tenant else None


def prepare(sizes: dict[str, int]) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, skip_checks=True)
    seeded = False
    for slug, size in sizes.items():
        have = case_count(slug)
        if have == size:
            print(f"  {slug}: {size:,} cases already there")
            continue
        if have is not None:
            raise SystemExit(f"{slug} has {have:,} cases, not {size:,}: run again with --reseed")
        seed_tenant(slug, size)
        seeded = True
    if seeded:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.monotonic() - started:.0f} s")


# --- measuring -------------------------------------------------------------------------------------


def world(slug: str) -> World:
    from apps.accounts.models import User
    from apps.cases.models import Case
    from apps.cases.selectors import cases_visible_to
    from apps.customers.models import ContactPoint
    from apps.tenants.context import system_context
    from apps.tenants.models import Membership, Tenant

    with system_context():
        tenant = Tenant.objects.get(slug=slug)
        agent = User.objects.get(email=f"agent0@{slug}.bench")
        supervisor = User.objects.get(email=f"supervisor@{slug}.bench")
        membership = Membership.objects.for_tenant(tenant).get(user=agent)
        visible = cases_visible_to(tenant=tenant, membership=membership)
        total = Case.objects.for_tenant(tenant).count()
        spread = [1001 + k * (total // 60) for k in range(60)]  # across the whole history
        references = list(visible.filter(number__in=spread).values_list("reference", flat=True)[:20])
        subjects = visible.filter(number__in=spread, subject__contains=" W").values_list("subject", flat=True)
        order_numbers = [re.search(r"W\d+", subject).group(0) for subject in subjects[:20]]
        middle = ContactPoint.objects.for_tenant(tenant).order_by("id")
        email = middle[middle.count() // 2].value
    return World(tenant, agent, supervisor, email, references, order_numbers)


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "agent" or "supervisor"
    path: object  # str, or a callable(World, i) -> str


PAGES = [
    Page("queue: agent's open cases (default view)", "agent", "/app/cases/"),
    Page("queue: all open, supervisor", "supervisor", "/app/cases/?view=open"),
    Page(
        "queue: filtered (in progress, high)",
        "agent",
        "/app/cases/?view=open&status=in_progress&priority=high",
    ),
    Page("queue: most urgent first, supervisor", "supervisor", "/app/cases/?view=open&sort=priority"),
    Page(
        "queue: search by customer email", "agent", lambda w, i: f"/app/cases/?view=all&q={w.customer_email}"
    ),
    Page(
        "queue: search by order number",
        "agent",
        lambda w, i: f"/app/cases/?view=all&q={w.order_numbers[i % len(w.order_numbers)]}",
    ),
    Page("queue: search by common words", "agent", "/app/cases/?view=all&q=cracked+shade"),
    Page("case page", "agent", lambda w, i: f"/app/cases/{w.references[i % len(w.references)]}/"),
]


def _client(page: Page, w: World):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=f"{w.tenant.slug}.{settings.BASE_DOMAIN}")
    client.force_login(w.agent if page.who == "agent" else w.supervisor)
    return client


def _path(page: Page, w: World, i: int) -> str:
    return page.path(w, i) if callable(page.path) else page.path


def _summary(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def measure(page: Page, worlds: list[World], *, requests: int, warmup: int) -> list[tuple]:
    """p50, p95 (ms), query count and cases shown of `page` for each world. Requests alternate
    between the worlds, so a busy machine slows every size alike and the ratios stay honest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = [_client(page, w) for w in worlds]
    timings: list[list[float]] = [[] for _ in worlds]
    for i in range(warmup + requests):
        for index, (client, w) in enumerate(zip(clients, worlds, strict=True)):
            started = time.perf_counter()
            response = client.get(_path(page, w, i))
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (_path(page, w, i), response.status_code)
            if i >= warmup:
                timings[index].append(elapsed)
    results = []
    for index, (client, w) in enumerate(zip(clients, worlds, strict=True)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_path(page, w, 0))
        shown = response.content.decode().count("data-reference=")
        results.append((*_summary(timings[index]), len(queries), shown))
    return results


def main() -> None:
    args = parse_args()
    url = bench_database_url()
    ensure_database(url, drop=args.reseed)
    setup_django(url)
    sizes = {SMALL_SLUG: args.small, MIDDLE_SLUG: args.middle, LARGE_SLUG: args.large}
    listed = ", ".join(f"{size:,}" for size in sizes.values())
    print(f"benchmark database: {urlsplit(url).path.lstrip('/')} ({listed} cases)")
    prepare(sizes)
    worlds = [world(slug) for slug in sizes]
    rows = []
    for page in PAGES:
        results = measure(page, worlds, requests=args.requests, warmup=args.warmup)
        rows.append((page.name, results))
        print(f"  {page.name}: " + " / ".join(f"{p50:.1f} ms" for p50, *_ in results), flush=True)
    report(rows, list(sizes.values()))


def report(rows: list, sizes: list[int]) -> None:
    """One line per page: p50/p95, rows shown and queries at each size; ratios of the p50s of the
    largest size to the smallest and to the middle one."""
    print()
    heads = "".join(f"{f'{size:,} cases':>26}" for size in sizes)
    print(f"{'page':<40}{heads}   ratio large/small  large/middle  queries")
    print(f"{'':<40}" + "".join(f"{'p50 / p95 ms (rows)':>26}" for _ in sizes))
    worst = {"small": 0.0, "middle": 0.0}
    for name, results in rows:
        cells = "".join(f"{p50:>11.1f} / {p95:>6.1f} ({shown:>2})" for p50, p95, _, shown in results)
        (small, *_), (middle, *_), (large, *_) = results
        worst["small"] = max(worst["small"], large / small)
        worst["middle"] = max(worst["middle"], large / middle)
        counts = {queries for _, _, queries, _ in results}
        same = "same" if len(counts) == 1 else "DIFFERENT"
        print(
            f"{name:<40}{cells}   {large / small:>17.2f}  {large / middle:>12.2f}  "
            f"{'/'.join(str(q) for _, _, q, _ in results)} {same}"
        )
    print()
    print(
        f"worst p50 ratio large/small: {worst['small']:.2f}, large/middle: {worst['middle']:.2f} (goal ≤ 1.5)"
    )
    print("(rows: cases on the page; a small tenant's page may hold fewer than 50, which renders faster)")


if __name__ == "__main__":
    main()
