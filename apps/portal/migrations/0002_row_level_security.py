from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [EnableTenantRLS("signincode"), EnableTenantRLS("dataexport")]
