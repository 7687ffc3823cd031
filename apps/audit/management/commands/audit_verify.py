from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import audit_chain_verify
from apps.tenants.context import system_context
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = "Verify each tenant's audit hash chain; print 'ok' or the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="Slug of one tenant (default: all tenants).")

    def handle(self, *args, **options):
        tenants = Tenant.objects.order_by("slug")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No tenant with slug “{options['tenant']}”.")
        broken = False
        with system_context():
            for tenant in tenants:
                report = audit_chain_verify(tenant=tenant)
                if report.ok:
                    self.stdout.write(f"{tenant.slug}: ok ({report.events_checked} events)")
                else:
                    broken = True
                    self.stdout.write(
                        f"{tenant.slug}: BROKEN at seq {report.broken_at_seq}: {report.problem} "
                        f"({report.events_checked} events verified before it)"
                    )
        if broken:
            raise CommandError("Audit chain verification failed.")
