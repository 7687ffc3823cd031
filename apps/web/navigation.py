"""The staff app's left navigation and the tabs of the tenant settings page, as small registries.

Each entry names a URL by its name. An entry whose URL name does not resolve (the app that serves it
is not built or not installed) is left out, so an app adds its page by adding one line here and the
shell never links to a page that does not exist. `min_role` hides the entry from lower roles; the
view itself must still check the role (`staff_required(role=...)`).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from apps.tenants.models import Membership, Role
from apps.web.decorators import ROLE_RANK


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    min_role: str = Role.AGENT
    icon: str = "dot"  # a name known to the `icon` template tag (apps/web/templatetags/ui.py)
    description: str = ""  # one line, shown on the home page's quick links
    match_prefix: bool = True  # also active on pages below its URL (False for the home page)
    shortcut: str = ""  # keys for app.js, e.g. "g q" (press g, then q)


@dataclass(frozen=True)
class NavLink:
    """A resolved entry for one viewer: what templates render."""

    label: str
    url: str
    icon: str
    description: str
    shortcut: str
    active: bool


NAVIGATION: list[NavEntry] = [
    NavEntry("Overview", "web:home", icon="home", match_prefix=False, shortcut="g h"),
    NavEntry(
        "Queue",
        "cases:queue",
        icon="inbox",
        description="Cases waiting for you and your team.",
        shortcut="g q",
    ),
    NavEntry(
        "Customers",
        "customers:list",
        icon="users",
        description="People and companies you talk to.",
        shortcut="g c",
    ),
    NavEntry(
        "Escalations",
        "sla:escalations",
        Role.SUPERVISOR,
        icon="alert",
        description="Cases close to or past their SLA.",
        shortcut="g e",
    ),
    NavEntry(
        "Templates",
        "message_templates:list",
        icon="file",
        description="Approved message templates.",
        shortcut="g t",
    ),
    NavEntry(
        "Notifications",
        "notifications:log",
        Role.SUPERVISOR,
        icon="bell",
        description="Every message sent, with its delivery status.",
        shortcut="g n",
    ),
    NavEntry(
        "Dev outbox",
        "notifications:dev_outbox",
        icon="mail",
        description="Mail and SMS caught in development.",
    ),
    NavEntry(
        "Settings",
        "web:settings",
        Role.ADMIN,
        icon="settings",
        description="Branding, members, teams and API keys.",
        shortcut="g s",
    ),
]

SETTINGS_TABS: list[NavEntry] = [
    NavEntry("General", "web:settings", Role.ADMIN, match_prefix=False),
    NavEntry("Members", "web:settings_members", Role.ADMIN),
    NavEntry("Teams", "teams:list", Role.ADMIN),
    NavEntry("API keys", "web:settings_api_keys", Role.ADMIN),
    NavEntry("SLA and hours", "sla:policies", Role.ADMIN),
    NavEntry("Notifications", "notifications:rules", Role.SUPERVISOR),
]


def _resolve(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def links_for(entries: list[NavEntry], *, membership: Membership | None, path: str) -> list[NavLink]:
    """The entries this member may see whose URLs exist, marking the one `path` is on or under as active.

    When several match, the longest URL wins: a page below `/app/settings/members/` marks "Members".
    """
    if membership is None:
        return []
    rank = ROLE_RANK[membership.role]
    resolved = [
        (entry, url)
        for entry in entries
        if ROLE_RANK[entry.min_role] <= rank and (url := _resolve(entry.url_name)) is not None
    ]
    matches = [url for entry, url in resolved if path == url or (entry.match_prefix and path.startswith(url))]
    active_url = max(matches, key=len, default=None)
    return [
        NavLink(entry.label, url, entry.icon, entry.description, entry.shortcut, url == active_url)
        for entry, url in resolved
    ]
