"""SLA sweep benchmark: does one sweep cost the same with a million open cases as with ten thousand?

    python bench/sla_sweep.py
    python bench/sla_sweep.py --large 200000     # a smaller "large" database
    python bench/sla_sweep.py --reseed           # drop the benchmark databases and seed again

Two PostgreSQL databases of their own (`tidings_bench_sla_<size>` on the server of DATABASE_URL, or
BENCH_DATABASE_URL's server), one per size, each with one tenant (installed like a real one:
calendar, policies, matrix, templates) whose --small (default 10,000) or --large (default
1,000,000) open cases each have two live SLA timers (first response and resolve, so 2 million timer
rows at the large size). Customers, cases and timers are bulk-loaded with COPY. The databases are
kept between runs and reused when they hold the asked size.

Each round makes --due (default 1,000) resolve timers due — half to be warned, half to breach and
escalate — and times one `sla_sweep()`: claim in batches with SKIP LOCKED, then per timer lock,
re-check, act (staff notices, timeline entries, audit events, escalation rows, `case_escalate`).
Each round runs in a fresh process against the size's own database (after an unmeasured warm-up
sweep), and the rounds alternate between the sizes so that load from elsewhere on the machine hits
both alike. The table prints, per size, the median and best sweep time over --rounds rounds, the
time per due timer, the claim query's plan (it must be an index scan of `sla_timer_sweep`) and the
buffers it read; the last line the ratio large/small of the medians (goal: ≤ 1.2).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "bench-sla"
CASES_PER_CUSTOMER = 10
GOAL = 1.2
WARM_UP = 50


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="open cases of the small database")
    parser.add_argument("--large", type=int, default=1_000_000, help="open cases of the large database")
    parser.add_argument("--due", type=int, default=1_000, help="due timers per sweep")
    parser.add_argument("--rounds", type=int, default=5, help="sweeps per size (median reported)")
    parser.add_argument("--reseed", action="store_true", help="drop the benchmark databases and seed again")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # internal: one round of one size
    parser.add_argument("--round", type=int, default=1, help=argparse.SUPPRESS)
    return parser.parse_args()


def database_url(size: int) -> str:
    base = urlsplit(
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL", "postgres://tidings@127.0.0.1:5432/tidings")
    )
    return urlunsplit(base._replace(path=f"/tidings_bench_sla_{size}"))


def ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"  created database {name}", file=sys.stderr)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "false"  # no query log: as in production
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-sla")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


# --- seeding with COPY ------------------------------------------------------------------------------


def _copy(model, rows, overrides_of) -> int:
    """COPY `rows` into `model`'s table; each row is completed with the fields' Python defaults."""
    from django.db import connection, models

    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.GeneratedField)
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    defaults = {field.attname: field.get_default() for field in fields}
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = {**defaults, **overrides_of(row)}
            copy.write_row([field.get_db_prep_save(values[field.attname], connection) for field in fields])
            count += 1
    return count


def _rls_forced(models_: list, forced: bool) -> None:
    """The tables force row-level security even for their owner, and PostgreSQL refuses COPY FROM
    under RLS: the seeding transaction lifts FORCE for its copies and puts it back before commit."""
    from django.db import connection

    with connection.cursor() as cursor:
        if forced:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block ALTER TABLE
        for model in models_:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"ALTER TABLE {table} {'' if forced else 'NO '}FORCE ROW LEVEL SECURITY")


def seeded_size() -> int | None:
    from apps.cases.models import Case
    from apps.tenants.context import system_context
    from apps.tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        return None
    with system_context():
        return Case.objects.for_tenant(tenant).count()


def seed(size: int) -> None:
    from django.db import connection, transaction

    from apps.accounts.models import User
    from apps.cases.models import Case
    from apps.cases.services import team_add_member, team_create
    from apps.common.clock import now
    from apps.customers.models import Customer
    from apps.sla.models import SlaSettings, SlaTimer
    from apps.tenants.context import system_context
    from apps.tenants.models import Role
    from apps.tenants.services import membership_add, tenant_create

    started = time.perf_counter()
    moment = now()
    copied = [Customer, Case, SlaTimer]
    with transaction.atomic(), system_context():
        _rls_forced(copied, False)
        tenant = tenant_create(slug=SLUG, name="Bench SLA", time_zone="Europe/London")
        agent = User.objects.create_user(email=f"agent@{size}.bench", password=None, full_name="Agent Bench")
        boss = User.objects.create_user(email=f"supervisor@{size}.bench", password=None, full_name="Sam Boss")
        membership_add(tenant=tenant, actor=None, user=agent, role=Role.AGENT)
        membership_add(tenant=tenant, actor=None, user=boss, role=Role.SUPERVISOR)
        team = team_create(tenant=tenant, actor=None, name="Billing")
        team_add_member(actor=None, team=team, user=agent)
        team_add_member(actor=None, team=team, user=boss)
        # Staff email is sent by a Celery task after commit; the sweep itself is what is measured.
        SlaSettings.objects.create(tenant=tenant, warn_by_email=False)
        customers = size // CASES_PER_CUSTOMER
        _copy(
            Customer,
            range(customers),
            lambda i: {
                "tenant_id": tenant.pk,
                "name": f"Customer {i}",
                "created_at": moment,
                "updated_at": moment,
            },
        )
        first_customer = Customer.objects.for_tenant(tenant).order_by("id").values_list("id", flat=True)[0]
        start = 1001
        _copy(
            Case,
            range(size),
            lambda i: {
                "tenant_id": tenant.pk,
                "number": start + i,
                "reference": f"BENCH-SLA-{start + i}",
                "subject": f"Question {i}",
                "source_channel": "email",
                "status": "in_progress",
                "customer_id": first_customer + i // CASES_PER_CUSTOMER,
                "assignee_id": agent.pk,
                "team_id": team.pk,
                "acknowledged_at": moment,
                "created_at": moment,
                "updated_at": moment,
                "last_activity_at": moment,
            },
        )
        first_case = Case.objects.for_tenant(tenant).order_by("id").values_list("id", flat=True)[0]
        five_days, one_day = timedelta(days=5), timedelta(days=1)

        def timer(i: int) -> dict:
            case_id, kind = first_case + i // 2, ("first_response", "resolve")[i % 2]
            duration = one_day if kind == "first_response" else five_days
            return {
                "tenant_id": tenant.pk,
                "case_id": case_id,
                "kind": kind,
                "state": "running",
                "duration": duration,
                "business": False,
                "warn_share": "0.75",
                "started_at": moment,
                "due_at": moment + duration,
                "warn_at": moment + duration * 0.75,
                "next_action_at": moment + duration * 0.75,
                "created_at": moment,
                "updated_at": moment,
            }

        _copy(SlaTimer, range(2 * size), timer)
        _rls_forced(copied, True)
    with connection.cursor() as cursor:
        for table in ("customers_customer", "cases_case", "sla_slatimer"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"  seeded {size:,} open cases, {2 * size:,} timers in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


# --- one round ---------------------------------------------------------------------------------------


def make_due(round_number: int, due: int) -> None:
    """Put last round's timers back as seeded, then make `due` other resolve timers due now: half to
    be warned (running, 7 of 8 hours used), half to breach (warned, 9 of 8 hours used)."""
    from django.db import connection

    from apps.tenants.context import system_context

    with system_context(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sla_escalation")  # last round's; a timer escalates once per level
        cursor.execute(
            "UPDATE cases_case SET escalation_level = 0 WHERE id IN "
            "(SELECT case_id FROM sla_slatimer WHERE kind = 'resolve' AND state <> 'running')"
        )
        cursor.execute(
            "UPDATE sla_slatimer SET state = 'running', duration = interval '5 days', started_at = now(), "
            "due_at = now() + interval '5 days', warn_at = now() + interval '90 hours', "
            "next_action_at = now() + interval '90 hours', warned_at = NULL, breached_at = NULL, "
            "escalations = 0 WHERE kind = 'resolve' AND state <> 'running'"
        )
        cursor.execute(
            "SELECT id FROM sla_slatimer WHERE kind = 'resolve' ORDER BY case_id OFFSET %s LIMIT %s",
            [round_number * due, due],
        )
        ids = [row[0] for row in cursor.fetchall()]
        half = len(ids) // 2
        cursor.execute(
            "UPDATE sla_slatimer SET duration = interval '8 hours', started_at = now() - interval '7 hours', "
            "due_at = now() + interval '1 hour', warn_at = now() - interval '1 hour', "
            "next_action_at = now() - interval '1 hour' WHERE id = ANY(%s)",
            [ids[:half]],
        )
        cursor.execute(
            "UPDATE sla_slatimer SET state = 'warned', warned_at = now() - interval '3 hours', "
            "duration = interval '8 hours', started_at = now() - interval '9 hours', "
            "due_at = now() - interval '1 hour', warn_at = now() - interval '3 hours', "
            "next_action_at = now() - interval '1 hour' WHERE id = ANY(%s)",
            [ids[half:]],
        )
    with connection.cursor() as cursor:  # every round starts without the last one's dead rows
        cursor.execute("VACUUM ANALYZE sla_slatimer")


def claim_plan() -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the sweeper's own claim query, rolled back afterwards."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.common.clock import now
    from apps.sla.sweeper import timers_claim
    from apps.tenants.context import system_context

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        timers_claim(at=now())
        transaction.set_rollback(True)
    claim = next(query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"])
    with transaction.atomic():
        with system_context(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + claim)
            plan = cursor.fetchone()[0][0]
        transaction.set_rollback(True)  # EXPLAIN ANALYZE took the row locks; give them back
    scans = []

    def walk(node: dict) -> None:
        if "Index Name" in node or node.get("Node Type", "").startswith("Seq"):
            scans.append(f"{node['Node Type']} {node.get('Index Name', node.get('Relation Name', ''))}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    top = plan["Plan"]
    return {
        "scan": ", ".join(scans),
        "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "ms": round(plan.get("Execution Time", 0.0), 2),
    }


def run_round(size: int, round_number: int, due: int, reseed: bool) -> dict:
    """In this process: the database of `size` (seeded if needed), a warm-up sweep, one measured sweep."""
    url = database_url(size)
    ensure_database(url, drop=reseed)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeded = seeded_size()
    if seeded != size:
        if seeded is not None:
            raise SystemExit(f"{url} holds {seeded:,} cases, not {size:,}; run with --reseed")
        seed(size)
    from apps.sla.sweeper import sla_sweep

    make_due(0, WARM_UP)  # load code, templates and the calendar cache: not measured
    sla_sweep()
    make_due(round_number, due)
    plan = claim_plan()
    started = time.perf_counter()
    result = sla_sweep()
    seconds = time.perf_counter() - started
    return {
        "size": size,
        "seconds": seconds,
        "acted": result.acted,
        "plan": plan,
        "outcomes": result.outcomes,
    }


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(run_round(args.child, args.round, args.due, args.reseed)))
        return
    # Rounds alternate between the sizes, each in a fresh process, so that a burst of load on the
    # machine hits both sizes alike instead of skewing the ratio.
    runs: dict[int, list[dict]] = {args.small: [], args.large: []}
    for round_number in range(1, args.rounds + 1):
        for size in runs:
            print(f"round {round_number}: {size:,} open cases …", file=sys.stderr)
            command = [sys.executable, __file__, "--child", str(size), "--round", str(round_number)]
            command += ["--due", str(args.due)] + (["--reseed"] if args.reseed and round_number == 1 else [])
            output = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            sys.stderr.write(output.stderr)
            if output.returncode:
                raise SystemExit(f"the {size:,} run failed")
            runs[size].append(json.loads(output.stdout.strip().splitlines()[-1]))
    print(f"\nOne SLA sweep of {args.due:,} due timers ({args.rounds} rounds; each size its own database)\n")
    print(
        f"{'open cases':>12} {'timers':>11} {'median':>8} {'best':>8} {'per timer':>10} {'acted':>6}"
        "  claim query plan"
    )
    medians = []
    for size, results in runs.items():
        seconds = [result["seconds"] for result in results]
        median = statistics.median(seconds)
        medians.append(median)
        plan = results[0]["plan"]
        print(
            f"{size:>12,} {2 * size:>11,} {median:>7.2f}s {min(seconds):>7.2f}s "
            f"{1000 * median / args.due:>8.2f}ms {min(result['acted'] for result in results):>6,}"
            f"  {plan['scan']} ({plan['buffers']} buffers, {plan['ms']} ms)"
        )
    ratio = medians[1] / medians[0]
    verdict = "ok" if ratio <= GOAL else "ABOVE GOAL"
    print(f"\nratio large/small (medians): {ratio:.2f} (goal ≤ {GOAL}) {verdict}")


if __name__ == "__main__":
    main()
