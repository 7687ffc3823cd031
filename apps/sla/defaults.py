"""The SLA every tenant starts with, taken from the procedures Tidings implements (docs/sla.md).

- Acknowledge within 1 business hour for portal and chat, 4 business hours for email, 24 hours
  (calendar time) for anything else.
- First response within 1 business day.
- Update every business day for urgent cases; otherwise at the customer's chosen cadence, weekly
  when they have not chosen one.
- Resolve urgent cases within 1 business day, high within 3, normal within 5, low within 10.
- Warn at 75% of a target. Escalate assignee → team supervisor → manager.

`sla_install_defaults` writes these rows; `policy_for` also falls back to `FALLBACK` for a tenant
whose rows are missing, so a case always gets targets.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from zoneinfo import TZPATH

import holidays

from apps.sla.durations import BUSINESS_DAY
from apps.sla.models import DEFAULT_WARN_SHARE, NotifyWhom, TimeBasis
from apps.tenants.models import Role

DEFAULT_CALENDAR_NAME = "Office hours"
DEFAULT_OPENING_HOURS: dict[int, list[tuple[time, time]]] = {
    weekday: [(time(9), time(17))] for weekday in range(5)
}
# A country's holidays without a subdivision can miss days nearly every business there observes:
# the United Kingdom's country-wide list has no Easter Monday, which England and Wales keep.
PREFERRED_SUBDIVISION = {"GB": "ENG"}

B, C = TimeBasis.BUSINESS, TimeBasis.CALENDAR


@dataclass(frozen=True)
class PolicySpec:
    name: str
    position: int
    match: dict[str, str] = field(default_factory=dict)
    targets: dict[str, tuple[timedelta, str]] = field(
        default_factory=dict
    )  # duration field → (duration, basis)
    update_follows_customer_cadence: bool = False
    warn_share: Decimal | None = None


DEFAULT_POLICIES: list[PolicySpec] = [
    PolicySpec(
        "Portal and chat",
        10,
        {"match_channel": "portal,chat"},
        {"acknowledge_within": (timedelta(hours=1), B)},
    ),
    PolicySpec("Email", 20, {"match_channel": "email"}, {"acknowledge_within": (timedelta(hours=4), B)}),
    PolicySpec(
        "Urgent",
        30,
        {"match_priority": "urgent"},
        {"update_every": (BUSINESS_DAY, B), "resolve_within": (BUSINESS_DAY, B)},
    ),
    PolicySpec("High priority", 40, {"match_priority": "high"}, {"resolve_within": (3 * BUSINESS_DAY, B)}),
    PolicySpec(
        "Normal priority", 50, {"match_priority": "normal"}, {"resolve_within": (5 * BUSINESS_DAY, B)}
    ),
    PolicySpec("Low priority", 60, {"match_priority": "low"}, {"resolve_within": (10 * BUSINESS_DAY, B)}),
]

FALLBACK = PolicySpec(
    "Standard",
    1000,
    targets={
        "acknowledge_within": (timedelta(hours=24), C),
        "first_response_within": (BUSINESS_DAY, B),
        "update_every": (5 * BUSINESS_DAY, B),
        "resolve_within": (5 * BUSINESS_DAY, B),
    },
    update_follows_customer_cadence=True,
    warn_share=DEFAULT_WARN_SHARE,
)


@dataclass(frozen=True)
class LevelSpec:
    level: int
    name: str
    notify: str
    role: str = ""
    user_id: int | None = None


DEFAULT_ESCALATION: list[LevelSpec] = [
    LevelSpec(1, "Assignee", NotifyWhom.ASSIGNEE),
    LevelSpec(2, "Team supervisor", NotifyWhom.TEAM_SUPERVISOR),
    LevelSpec(3, "Manager", NotifyWhom.ROLE, role=Role.ADMIN),
]


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """Time zone → ISO country code, from the system's tz database table (zone.tab)."""
    for directory in TZPATH:
        table = Path(directory) / "zone.tab"
        if table.is_file():
            pairs = (line.split("\t") for line in table.read_text().splitlines() if not line.startswith("#"))
            return {columns[2]: columns[0] for columns in pairs if len(columns) >= 3}
    return {}


def holiday_region_for(time_zone: str) -> tuple[str, str]:
    """(country, subdivision) whose public holidays a business in `time_zone` most likely keeps.

    Empty when the zone belongs to no country (UTC) or the holidays package does not know it; the
    tenant admin can always choose on the calendar page.
    """
    country = _zone_countries().get(time_zone, "")
    if country not in holidays.list_supported_countries():
        return "", ""
    return country, PREFERRED_SUBDIVISION.get(country, "")
