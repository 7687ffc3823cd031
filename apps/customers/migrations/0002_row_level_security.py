from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        EnableTenantRLS("customer"),
        EnableTenantRLS("contactpoint"),
        EnableTenantRLS("channelconsent"),
        EnableTenantRLS("consentevent"),
        EnableTenantRLS("order"),
        EnableTenantRLS("orderstatusevent"),
    ]
