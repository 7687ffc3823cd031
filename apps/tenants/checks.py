"""System check: warn when the database role escapes row-level security."""

from django.core.checks import Warning, register
from django.db import connection
from django.db.utils import OperationalError


@register("database", deploy=True)
def database_role_honours_rls(app_configs, databases=None, **kwargs):
    if databases is None or "default" not in databases:
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            is_super, bypasses = cursor.fetchone()
    except OperationalError:
        return []
    if is_super or bypasses:
        return [
            Warning(
                "The database role is a superuser or has BYPASSRLS, so row-level security is not enforced.",
                hint="Connect as an ordinary role that owns the tables (see README, Configuration).",
                id="tenants.W001",
            )
        ]
    return []
