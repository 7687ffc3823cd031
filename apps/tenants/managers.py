"""Tenant-scoped querysets with a guard against unscoped reads.

Every tenant-owned model uses `TenantManager`. A queryset counts as scoped once it is filtered on
`tenant`/`tenant_id` (as `for_tenant()` does), when it is a related manager of a row that was
itself loaded in scope (`case.messages.all()`), or when code says explicitly that it spans tenants
(`across_tenants()`, for platform jobs such as the SLA sweeper). Evaluating an unscoped queryset
raises `UnscopedTenantQuery` when `settings.TENANCY_STRICT` is on (development and tests) and logs
an error otherwise, so a forgotten tenant filter fails the test that exercises it.
"""

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


class UnscopedTenantQuery(AssertionError):
    """A tenant-owned table was queried without a tenant filter."""


def _mentions_tenant(args: tuple, kwargs: dict[str, Any]) -> bool:
    def is_tenant_key(key: str) -> bool:
        return key == "tenant" or key.startswith(("tenant_", "tenant__"))

    if any(is_tenant_key(key) for key in kwargs):
        return True
    stack = [arg for arg in args if isinstance(arg, Q)]
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, Q):
                stack.append(child)
            elif isinstance(child, tuple) and is_tenant_key(child[0]):
                return True
    return False


class TenantQuerySet(models.QuerySet):
    _tenant_scoped = False

    def for_tenant(self, tenant: "Tenant | int") -> "TenantQuerySet":
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)

    def across_tenants(self) -> "TenantQuerySet":
        """Deliberately unscoped, for platform work that spans tenants. Say why at the call site."""
        clone = self._chain()
        clone._tenant_scoped = True
        return clone

    def _filter_or_exclude(self, negate: bool, args: tuple, kwargs: dict[str, Any]) -> "TenantQuerySet":
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if not negate and _mentions_tenant(args, kwargs):
            clone._tenant_scoped = True
        return clone

    def _clone(self) -> "TenantQuerySet":
        clone = super()._clone()
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _check_scoped(self) -> None:
        if self._tenant_scoped:
            return
        message = f"Unscoped query on tenant-owned {self.model._meta.label}: filter by tenant first."
        if settings.TENANCY_STRICT:
            raise UnscopedTenantQuery(message)
        logger.error(message)

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any):
        self._check_scoped()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scoped()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scoped()
        return super().delete()


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        # Related managers (`customer.cases`) carry the row they hang off; that row was loaded in scope.
        if getattr(self, "instance", None) is not None:
            queryset._tenant_scoped = True
        return queryset
