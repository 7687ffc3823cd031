"""Give every tenant that existed before the outbox its default trigger rules (new tenants get them
from `tenant_create`). Idempotent: tenants that already have a rule for a trigger keep it."""

from django.db import migrations


def install(apps, schema_editor):
    from apps.notifications.outbox.rules import DEFAULT_RULES, default_rule_fields

    Tenant = apps.get_model("tenants", "Tenant")
    TriggerRule = apps.get_model("notifications", "TriggerRule")
    # Platform work across tenants: let row-level security through for this transaction only.
    schema_editor.execute("SELECT set_config('app.rls_bypass', 'on', true)")
    rules = [
        TriggerRule(tenant_id=tenant_id, **default_rule_fields(trigger))
        for tenant_id in Tenant.objects.values_list("pk", flat=True)
        for trigger in DEFAULT_RULES
    ]
    TriggerRule.objects.bulk_create(rules, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_outbox_row_level_security"), ("tenants", "0002_row_level_security")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
