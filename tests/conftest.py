"""Fixtures every test can use: platform scope for test code, three ready actors, tenant clients."""

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.accounts.models import User
from apps.tenants.models import Role, Tenant
from config.celery_app import app as celery_app
from tests.factories import MembershipFactory, TenantFactory

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls
# from test code (factories, assertions) as "async unsafe". They are not concurrent here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (.ci/run installs it); never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DB_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _set_bypass(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', %s, false)", [value])


@pytest.fixture(autouse=True)
def _platform_scope_for_test_code(request):
    """Test code (factories, assertions) runs as the platform so it may arrange rows of any tenant.

    Code under test still sets its own scope: requests through the tenant middleware and Celery
    tasks run under `tenant_context`, where RLS shows one tenant only. The tenancy guard
    (TENANCY_STRICT) applies to test code too: query through `for_tenant()`.
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or DB_FIXTURES & set(
        request.fixturenames
    )
    if not uses_db:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    _set_bypass("on")
    yield
    _set_bypass("")


# Counters (throttles) outlive a test run in Redis; a fresh run must not inherit the last one's.
_RUN_ID = uuid.uuid4().hex[:8]


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """Each test gets its own cache key space in the real Redis (throttles, sessions)."""
    test_id = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test:{_RUN_ID}:{test_id}"},
    }


def host_of(tenant: Tenant) -> str:
    return f"{tenant.slug}.{settings.BASE_DOMAIN}"


def client_for(tenant: Tenant, user: User | None = None) -> Client:
    """A test client that talks to the tenant's host, signed in as `user` when given."""
    client = Client(HTTP_HOST=host_of(tenant))
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Actors:
    tenant_a: Tenant
    tenant_b: Tenant
    agent_a: User
    supervisor_a: User
    admin_a: User
    staff_b: User


@pytest.fixture
def eager_tasks():
    """Celery tasks run in-process when enqueued (on commit, see django_capture_on_commit_callbacks)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def actors(db) -> Actors:
    """Three ready actors (STYLE.md): tenant A staff in two roles (+ an admin), and tenant B staff."""
    tenant_a = TenantFactory(slug="alpha", name="Alpha Ltd")
    tenant_b = TenantFactory(slug="beta", name="Beta Ltd")
    agent_a = MembershipFactory(tenant=tenant_a, role=Role.AGENT).user
    supervisor_a = MembershipFactory(tenant=tenant_a, role=Role.SUPERVISOR).user
    admin_a = MembershipFactory(tenant=tenant_a, role=Role.ADMIN).user
    staff_b = MembershipFactory(tenant=tenant_b, role=Role.ADMIN).user
    return Actors(tenant_a, tenant_b, agent_a, supervisor_a, admin_a, staff_b)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright, shared by the session's browser tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh browser context (no cookies) and page for one test."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def live_url(live_server, tenant: Tenant, path: str = "/") -> str:
    """The URL of `path` on the tenant's host at the live server: http://<slug>.localhost:<port><path>.

    Chromium resolves every *.localhost name to the loopback address the live server listens on.
    """
    return f"http://{tenant.slug}.{settings.BASE_DOMAIN}:{urlsplit(live_server.url).port}{path}"
