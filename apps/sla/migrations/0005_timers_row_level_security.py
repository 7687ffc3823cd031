from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_timers")]

    operations = [
        EnableTenantRLS("slatimer"),
        EnableTenantRLS("slasettings"),
        EnableTenantRLS("escalation"),
        EnableTenantRLS("staffnotice"),
    ]
