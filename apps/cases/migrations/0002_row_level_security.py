from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        EnableTenantRLS("team"),
        EnableTenantRLS("teammembership"),
        EnableTenantRLS("casecounter"),
        EnableTenantRLS("case"),
        EnableTenantRLS("timelineentry"),
        EnableTenantRLS("attachment"),
        EnableTenantRLS("intakeevent"),
    ]
