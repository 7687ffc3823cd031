"""Reads held for one short piece of work: the sweeper's action on one timer.

Acting on a timer reschedules it more than once (each time from its calendar snapshot, a cache
round trip) and checks who of the case's people are active before and while notifying them. Inside
`reads_held(tenant)` each such read of that Tenant instance is made once and reused, so the action
sees one answer throughout; outside the block every call reads afresh.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from apps.tenants.models import Tenant

T = TypeVar("T")


@contextmanager
def reads_held(tenant: Tenant) -> Iterator[None]:
    tenant._held_reads = {}
    try:
        yield
    finally:
        del tenant._held_reads


def held(tenant: Tenant, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it returned for `key` earlier in the `reads_held` block of `tenant`."""
    memo = getattr(tenant, "_held_reads", None)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
