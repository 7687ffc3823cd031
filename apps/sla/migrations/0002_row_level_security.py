from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [
        EnableTenantRLS("businesscalendar"),
        EnableTenantRLS("openingperiod"),
        EnableTenantRLS("calendarclosure"),
        EnableTenantRLS("slapolicy"),
        EnableTenantRLS("escalationlevel"),
    ]
