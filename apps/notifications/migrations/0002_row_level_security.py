from django.db import migrations

from apps.tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        EnableTenantRLS("devoutboxmessage"),
        EnableTenantRLS("portalinboxmessage"),
        EnableTenantRLS("deliveryreceiptrecord"),
        EnableTenantRLS("inboundmessagerecord"),
    ]
