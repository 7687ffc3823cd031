from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_outbox")]

    operations = [
        EnableTenantRLS("triggerrule"),
        EnableTenantRLS("suppression"),
        EnableTenantRLS("notification"),
        EnableTenantRLS("notificationattempt"),
    ]
