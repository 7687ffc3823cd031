"""The tenant a unit of work runs for, in Python (a context variable) and in PostgreSQL.

Row-level security policies (see `rls.py`) read two settings that are set *local to the current
transaction* with `set_config(..., true)`:

- `app.tenant_id`: rows of this tenant are visible and writable;
- `app.rls_bypass`: `on` only inside `system_context()`, for platform work that spans tenants
  (the SLA sweeper, the outbox sweep, tenant creation, demo data).

Both context managers open a transaction (or a savepoint) so the setting cannot outlive the work it
was made for: a pooled connection never carries a tenant into the next request.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from apps.tenants.models import Tenant

_current_tenant: ContextVar["Tenant | None"] = ContextVar("current_tenant", default=None)


def current_tenant() -> "Tenant | None":
    return _current_tenant.get()


def _read_settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting('app.tenant_id', true), ''), "
            "coalesce(current_setting('app.rls_bypass', true), '')"
        )
        tenant_id, bypass = cursor.fetchone()
    return tenant_id, bypass


def _write_settings(tenant_id: str, bypass: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, true), set_config('app.rls_bypass', %s, true)",
            [tenant_id, bypass],
        )


@contextmanager
def _db_scope(tenant_id: str, bypass: str) -> Iterator[None]:
    # An outermost transaction (autocommit on) takes its local settings with it when it ends; only a
    # savepoint inside an enclosing transaction has settings to read and give back.
    nested = connection.in_atomic_block or not connection.get_autocommit()
    with transaction.atomic():
        previous = _read_settings() if nested else None
        _write_settings(tenant_id, bypass)
        yield
        # On an exception the (savepoint) rollback restores the settings; on success restore them
        # ourselves so that an enclosing transaction continues with its own scope.
        if previous is not None:
            _write_settings(*previous)


@contextmanager
def tenant_context(tenant: "Tenant") -> Iterator["Tenant"]:
    """Run the block for one tenant: RLS shows only its rows, `current_tenant()` returns it."""
    token = _current_tenant.set(tenant)
    try:
        with _db_scope(str(tenant.pk), "off"):
            yield tenant
    finally:
        _current_tenant.reset(token)


@contextmanager
def system_context() -> Iterator[None]:
    """Run the block as the platform: RLS lets every tenant's rows through. Use sparingly."""
    tenant = _current_tenant.get()
    with _db_scope(str(tenant.pk) if tenant else "", "on"):
        yield
