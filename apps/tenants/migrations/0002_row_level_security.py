from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [EnableTenantRLS("membership"), EnableTenantRLS("apikey")]
