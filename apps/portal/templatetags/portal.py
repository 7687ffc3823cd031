"""Template helpers of the portal: brand colours, navigation, icons, plain words, local times."""

from datetime import date, datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.notifications.selectors import portal_inbox_messages
from apps.portal.branding import brand_palette
from apps.portal.wording import CASE_KIND, CASE_KIND_HELP, CASE_STATUS, CHANNEL, ORDER_STATUS, StatusWords

register = template.Library()

# 24x24 stroke icons drawn for the portal (nothing fetched from elsewhere).
ICONS = {
    "home": '<path d="M3 11l9-8 9 8"/><path d="M5 10v10h5v-6h4v6h5V10"/>',
    "cases": '<path d="M4 5h16v14H4z"/><path d="M4 9h16"/><path d="M8 13h8"/><path d="M8 16h5"/>',
    "orders": '<path d="M3 7l9-4 9 4v10l-9 4-9-4z"/><path d="M3 7l9 4 9-4"/><path d="M12 11v10"/>',
    "messages": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3"/><path d="M12 19v3"/><path d="M2 12h3"/>'
    '<path d="M19 12h3"/><path d="M4.9 4.9l2.1 2.1"/><path d="M17 17l2.1 2.1"/><path d="M4.9 19.1L7 17"/>'
    '<path d="M17 7l2.1-2.1"/>',
    "data": '<ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/>'
    '<path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>',
    "plus": '<path d="M12 5v14"/><path d="M5 12h14"/>',
    "truck": '<path d="M2 6h11v10H2z"/><path d="M13 10h4l4 4v2h-8"/><circle cx="6" cy="18" r="2"/>'
    '<circle cx="17" cy="18" r="2"/>',
    "paperclip": '<path d="M20 11l-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5'
    'a2 2 0 0 1-3-3L14 7"/>',
    "download": '<path d="M12 3v12"/><path d="M7 10l5 5 5-5"/><path d="M4 20h16"/>',
    "check": '<path d="M5 12l5 5 9-10"/>',
    "arrow-left": '<path d="M19 12H5"/><path d="M11 6l-6 6 6 6"/>',
    "arrow-right": '<path d="M5 12h14"/><path d="M13 6l6 6-6 6"/>',
    "logout": '<path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4"/><path d="M6 12h10"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "star": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z"/>',
    "alert": '<path d="M12 3l10 18H2z"/><path d="M12 10v5"/><path d="M12 18v.01"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>',
}

NAVIGATION = (
    ("portal:home", "home", ("home",)),
    ("portal:cases", "cases", ("cases", "case", "case_new")),
    ("portal:orders", "orders", ("orders", "order")),
    ("portal:messages", "messages", ("messages", "message")),
    ("portal:preferences", "settings", ("preferences",)),
    ("portal:my_data", "data", ("my_data",)),
)


def _nav_label(url_name: str) -> str:
    return {
        "portal:home": _("Overview"),
        "portal:cases": _("My requests"),
        "portal:orders": _("My orders"),
        "portal:messages": _("Messages"),
        "portal:preferences": _("Preferences"),
        "portal:my_data": _("My data"),
    }[url_name]


@register.simple_tag
def brand_style(tenant) -> str:
    palette = brand_palette(tenant.brand_colour if tenant else "#2563eb")
    return f"--brand: {palette['brand']}; --brand-ink: {palette['ink']}; --brand-text: {palette['text']};"


@register.simple_tag(takes_context=True)
def portal_nav(context) -> list[dict]:
    request = context["request"]
    match = request.resolver_match
    current = match.url_name if match else ""
    customer = request.portal_customer
    unread = (
        portal_inbox_messages(tenant=request.tenant, customer_id=customer.pk)
        .filter(read_at__isnull=True)
        .count()
    )
    return [
        {
            "url": reverse(name),
            "label": _nav_label(name),
            "icon": icon,
            "active": current in sections,
            "badge": unread if name == "portal:messages" and unread else 0,
        }
        for name, icon, sections in NAVIGATION
    ]


@register.simple_tag
def picon(name: str, size: int = 20, label: str = "") -> SafeString:
    """An inline SVG icon; decorative unless given a `label` for screen readers."""
    a11y = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')
    return format_html(
        '<svg class="icon" width="{0}" height="{0}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" {1} focusable="false">{2}</svg>',
        size,
        a11y,
        mark_safe(ICONS.get(name, ICONS["alert"])),  # constant markup, never user input
    )


@register.filter
def case_status(case) -> StatusWords:
    return CASE_STATUS[case.status]


@register.filter
def order_status(value: str) -> StatusWords:
    return ORDER_STATUS[value]


@register.filter
def case_kind(value: str) -> str:
    return CASE_KIND.get(value, value)


@register.filter
def case_kind_help(value: str) -> str:
    return CASE_KIND_HELP.get(value, "")


@register.filter
def channel_name(value: str) -> str:
    return CHANNEL.get(value, value)


def _absolute_format() -> str:
    return "j. F Y, H:i" if get_language() == "de" else "j F Y, H:i"


@register.filter
def when(value: datetime | None) -> SafeString | str:
    """A `<time>` in the viewer's zone: "3 hours ago" within a day, else "12 May 2026, 14:05"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    absolute = format_date(local, _absolute_format())
    shown = naturaltime(value) if timezone.now() - value < timedelta(hours=24) else absolute
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), absolute, shown)


@register.filter
def on_day(value: date | datetime | None) -> str:
    """A date in words: "12 May 2026" / "12. Mai 2026"."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return format_date(value, "j. F Y" if get_language() == "de" else "j F Y")


@register.filter
def at_time(value: datetime | None) -> str:
    """An absolute date and time in the viewer's zone, for promises ("by 14 May 2026, 17:00")."""
    return format_date(timezone.localtime(value), _absolute_format()) if value else ""


@register.filter
def first_name(user) -> str:
    """The first word of a staff member's name, as customers see agents ("Priya")."""
    return ((getattr(user, "full_name", "") or "").split() or [""])[0]


# Statuses that put an order at each step: ordered, being prepared, on its way, delivered.
ORDER_STEPS = (("placed", "confirmed"), ("processing", "delayed"), ("shipped",), ("delivered",))


@register.simple_tag
def order_progress(order) -> list[dict]:
    """The order's way to the door as steps that are done, current or to come (none if cancelled)."""
    if order.status == "cancelled":
        return []
    current = next(index for index, statuses in enumerate(ORDER_STEPS) if order.status in statuses)
    if order.status == "delivered":
        current += 1  # arrived: every step is done
    labels = [_("Ordered"), _("Being prepared"), _("On its way"), _("Delivered")]
    return [
        {"label": label, "state": "done" if index < current else "current" if index == current else "todo"}
        for index, label in enumerate(labels)
    ]
