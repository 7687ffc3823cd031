from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenants.context import tenant_context
from apps.tenants.models import ApiScope, Tenant
from apps.tenants.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a tenant and print it once (only a hash of it is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="Tenant slug, e.g. acme.")
        parser.add_argument("--name", required=True, help="Where the key is used, e.g. 'Order system'.")
        parser.add_argument(
            "--scopes",
            default=ApiScope.READ,
            help=f"Comma-separated, from: {', '.join(ApiScope.values)} (default: read).",
        )

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug “{options['tenant']}”.")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            with tenant_context(tenant):
                api_key, full_key = api_key_create(
                    tenant=tenant, actor=None, name=options["name"], scopes=scopes
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"API key “{api_key.name}” for {tenant.slug}, scopes: {', '.join(api_key.scopes)}")
        self.stdout.write("Store it now; it is not shown again:")
        self.stdout.write(full_key)
