"""The portal's test world: customers of tenant A and B, signed-in clients, eager tasks."""

import re
from dataclasses import dataclass

import pytest
from django.core import mail

from apps.customers.models import Customer
from apps.portal.session import SESSION_KEY
from apps.tenants.models import Tenant
from tests.conftest import Actors, client_for
from tests.customers.factories import CustomerFactory


@dataclass
class World:
    actors: Actors
    tenant_a: Tenant
    tenant_b: Tenant
    customer: Customer  # tenant A, the one signing in
    neighbour: Customer  # another customer of tenant A
    stranger: Customer  # a customer of tenant B


@pytest.fixture
def world(actors) -> World:
    customer = CustomerFactory(
        tenant=actors.tenant_a, name="Emma Clarke", emails=["emma@example.test"], phones=["+447400123456"]
    )
    neighbour = CustomerFactory(tenant=actors.tenant_a, name="Noah Thompson", emails=["noah@example.test"])
    stranger = CustomerFactory(tenant=actors.tenant_b, name="Sofia Rossi", emails=["sofia@example.test"])
    return World(actors, actors.tenant_a, actors.tenant_b, customer, neighbour, stranger)


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and generated files go to a fresh directory (request it before creating files)."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def signed_in(customer: Customer, client=None):
    """A client of the customer's tenant host with a portal session for `customer` (as after a
    sign-in with a code; the sign-in itself is tested in test_sign_in.py)."""
    from apps.common.clock import now

    client = client or client_for(customer.tenant)
    session = client.session
    moment = int(now().timestamp())
    session[SESSION_KEY] = {
        "customer_id": customer.pk,
        "tenant_id": customer.tenant_id,
        "started": moment,
        "seen": moment,
    }
    session.save()
    return client


def code_from_last_email() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def link_from_last_email() -> str:
    return re.search(r"(/portal/sign-in/link/[^/\s]+/)", mail.outbox[-1].body).group(1)
