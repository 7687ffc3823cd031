"""Fixtures of the integration and fault tests: a tenant with templates, the fake providers and Celery
as processes on the test database, the broker emptied of what earlier tests left."""

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from apps.message_templates.services import template_install_defaults
from apps.notifications.outbox.models import Notification, NotificationStatus
from apps.notifications.outbox.rules import trigger_rules_install_defaults
from tests.notifications.processes import FakeProcess, celery_beat, celery_env, celery_worker


@pytest.fixture
def outbox_tenant(actors, settings):
    settings.DOMAIN_EVENT_HANDLERS = ["apps.notifications.handlers.on_domain_event"]
    template_install_defaults(tenant=actors.tenant_a)
    trigger_rules_install_defaults(tenant=actors.tenant_a)
    return actors.tenant_a


@pytest.fixture
def process_logs(tmp_path):
    return tmp_path


@pytest.fixture
def fake_processes(process_logs):
    esp = FakeProcess(
        "tests.fakes.esp", log_dir=process_logs, args=("--callback-connect-host", "127.0.0.1")
    ).start()
    twilio = FakeProcess(
        "tests.fakes.twilio", log_dir=process_logs, args=("--callback-connect-host", "127.0.0.1")
    ).start()
    yield esp, twilio
    esp.stop()
    twilio.stop()


@pytest.fixture
def clean_broker() -> str:
    """The shared test broker (REDIS_URL), without tasks or pending flags left by earlier tests."""
    url = django_settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url)
    for key in ("celery", "unacked", "unacked_index", *client.scan_iter("tidings:outbox:*")):
        client.delete(key)
    return url


@pytest.fixture
def celery_processes(fake_processes, process_logs):
    """Start worker and beat on the test database: `celery_processes(broker=..., **env)`; stopped after."""
    started = []

    def start(*, broker: str, beat: bool = True, name: str = "worker", **extra: str):
        esp, twilio = fake_processes
        database = connection.settings_dict["NAME"]
        env = celery_env(database=database, broker=broker, esp=esp, twilio=twilio, **extra)
        worker = celery_worker(env, process_logs, name=name)
        started.append(worker)
        if beat:
            started.append(celery_beat(env, process_logs))
        return env, worker

    yield start
    for process in reversed(started):
        process.stop()


def statuses(tenant) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Notification.objects.for_tenant(tenant).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def all_settled(tenant, total: int) -> bool:
    """Every notification reached the provider (or failed for good): none queued or sending."""
    counts = statuses(tenant)
    return sum(counts.values()) >= total and not (
        counts.get(NotificationStatus.QUEUED) or counts.get(NotificationStatus.SENDING)
    )
