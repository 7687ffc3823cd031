from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("message_templates", "0001_initial")]

    operations = [EnableTenantRLS("messagetemplate"), EnableTenantRLS("templateversion")]
