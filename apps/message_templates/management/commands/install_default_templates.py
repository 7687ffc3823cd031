"""Install the default template set for tenants that predate it (or lack a trigger added later)."""

from django.core.management.base import BaseCommand, CommandError

from apps.message_templates.services import template_install_defaults
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Install Tidings' approved default templates (every trigger, English and German). Idempotent: "
        "templates and locales a tenant already has are left untouched."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--tenant", action="append", default=[], help="Tenant slug (repeatable); default: all."
        )

    def handle(self, *args, **options) -> None:
        tenants = Tenant.objects.filter(is_active=True).order_by("slug")
        if options["tenant"]:
            tenants = tenants.filter(slug__in=options["tenant"])
            missing = set(options["tenant"]) - set(tenants.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown tenant(s): {', '.join(sorted(missing))}")
        for tenant in tenants:
            report = template_install_defaults(tenant=tenant)
            self.stdout.write(
                f"{tenant.slug}: {report.templates_created} templates and "
                f"{report.versions_created} versions installed"
            )
