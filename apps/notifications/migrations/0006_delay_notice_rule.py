"""Give tenants that existed before the delay notice (`case.delayed`) its default trigger rule (new
tenants get every rule from `tenant_create`). Idempotent: a tenant's existing rule is kept."""

from django.db import migrations


def install(apps, schema_editor):
    from apps.notifications.outbox.rules import default_rule_fields

    Tenant = apps.get_model("tenants", "Tenant")
    TriggerRule = apps.get_model("notifications", "TriggerRule")
    # Platform work across tenants: let row-level security through for this transaction only.
    schema_editor.execute("SELECT set_config('app.rls_bypass', 'on', true)")
    rules = [
        TriggerRule(tenant_id=tenant_id, **default_rule_fields("case.delayed"))
        for tenant_id in Tenant.objects.values_list("pk", flat=True)
    ]
    TriggerRule.objects.bulk_create(rules, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_default_trigger_rules"),
        ("message_templates", "0004_delay_notice_trigger"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
