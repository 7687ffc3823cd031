"""Customers and orders, made through their services so derived data (search text, history) exists."""

import factory

from apps.customers.models import Customer, Order
from apps.customers.services import customer_create, order_create
from tests.factories import TenantFactory


class CustomerFactory(factory.Factory):
    class Meta:
        model = Customer

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Faker("name")
    emails = factory.LazyAttribute(lambda o: [f"customer{o.serial}@example.test"])
    phones = ()
    serial = factory.Sequence(int)
    consents = factory.LazyFunction(lambda: {"email": True})
    preferred_channels = ("email", "portal")

    @classmethod
    def _create(cls, model_class, serial, **kwargs):
        return customer_create(actor=None, **kwargs)

    _build = _create


class OrderFactory(factory.Factory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.LazyAttribute(lambda o: o.customer.tenant)
    order_number = factory.Sequence(lambda n: f"ORD-{10000 + n}")
    items_summary = "2 x Walnut desk lamp"
    total = "89.90"
    currency = "EUR"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return order_create(actor=None, **kwargs)

    _build = _create
