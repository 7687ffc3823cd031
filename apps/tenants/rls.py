"""PostgreSQL row-level security for tenant-owned tables, as a migration operation.

Each tenant-owned model's migration ends with `EnableTenantRLS("<model>")`. The policy admits a row
when its `tenant_id` equals the transaction's `app.tenant_id` setting, or when `app.rls_bypass` is
`on` (see `context.py`). `FORCE ROW LEVEL SECURITY` makes the policy bind the table owner too; only a
superuser or a BYPASSRLS role escapes it, and `apps.tenants.checks` warns when the app runs as one.
"""

from django.db import migrations

POLICY_CONDITION = (
    "current_setting('app.rls_bypass', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"
)


class EnableTenantRLS(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self._table(app_label, to_state))
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING ({POLICY_CONDITION}) WITH CHECK ({POLICY_CONDITION})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = schema_editor.quote_name(self._table(app_label, from_state))
        schema_editor.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Enable tenant row-level security on {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})
