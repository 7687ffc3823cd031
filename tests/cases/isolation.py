"""Fixture for tests that pin exactly what the case and customer services write.

The receivers of their domain events (SLA timers, notifications: settings.DOMAIN_EVENT_HANDLERS)
add timeline entries and rows of their own, and have their own tests; here they are switched off.
Use it in a module with `from tests.cases.isolation import only_domain_services  # noqa: F401`.
"""

import pytest


@pytest.fixture(autouse=True)
def only_domain_services(settings):
    settings.DOMAIN_EVENT_HANDLERS = []
