"""factory-boy factories for the foundation. Apps add their own in tests/<app>/factories.py."""

import factory
from django.conf import settings

from apps.accounts.models import User
from apps.tenants.models import Domain, Membership, Role, Tenant


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Ltd")
    time_zone = "Europe/London"

    @factory.post_generation
    def domain(self, create, extracted, **kwargs):
        if create:
            Domain.objects.create(tenant=self, host=f"{self.slug}.{settings.BASE_DOMAIN}", is_primary=True)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.AGENT


def make_api_key(
    tenant: Tenant, scopes: tuple[str, ...] = ("read", "write", "events"), name: str = "Test key"
):
    """An API key of `tenant` through the real service: returns (ApiKey row, full key for the header)."""
    from apps.tenants.services import api_key_create

    return api_key_create(tenant=tenant, actor=None, name=name, scopes=list(scopes))


def bearer(full_key: str) -> dict[str, str]:
    """Test-client keyword arguments that send the key: client.get(url, **bearer(key))."""
    return {"HTTP_AUTHORIZATION": f"Bearer {full_key}"}
