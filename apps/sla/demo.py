"""Demo business hours for a team (registered in seed_demo's DEMO_SEEDERS, after apps.cases.demo).

The warehouse team of a demo tenant works longer hours than the office: "Warehouse hours", Monday to
Saturday 08:00-18:00 in the tenant's time zone with its country's holidays, is that team's calendar,
so the case pages show clocks counted in two calendars. Its open cases move to the new calendar by
the usual recompute after commit. Idempotent: a calendar found by name is left as it is.
"""

from datetime import time

from django.core.management.base import OutputWrapper

from apps.cases.models import Team
from apps.sla.models import BusinessCalendar
from apps.sla.selectors import default_calendar
from apps.sla.services import calendar_create, calendar_teams_set
from apps.tenants.models import Tenant

CALENDAR_NAME = "Warehouse hours"
TEAM_NAME = "Orders & Delivery"
WAREHOUSE_HOURS = {weekday: [(time(8, 0), time(18, 0))] for weekday in range(6)}


def seed(*, tenant: Tenant, stdout: OutputWrapper) -> None:
    team = Team.objects.for_tenant(tenant).filter(name=TEAM_NAME).first()
    if team is None or BusinessCalendar.objects.for_tenant(tenant).filter(name=CALENDAR_NAME).exists():
        return
    office = default_calendar(tenant=tenant)
    calendar = calendar_create(
        tenant=tenant,
        actor=None,
        name=CALENDAR_NAME,
        time_zone=tenant.time_zone,
        country=office.country if office else "",
        subdivision=office.subdivision if office else "",
        opening_hours=WAREHOUSE_HOURS,
    )
    calendar_teams_set(tenant=tenant, actor=None, calendar=calendar, team_ids=[team.pk])
    stdout.write(f"  {tenant.slug}: {TEAM_NAME} works to {CALENDAR_NAME} (Mon-Sat 08:00-18:00)")
