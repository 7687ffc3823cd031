"""Small template helpers for the staff UI: inline icons and times in the viewer's time zone."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Inner markup of 24x24 stroke icons, drawn for this project (no icon font, nothing fetched).
_ICONS: dict[str, str] = {
    "dot": '<circle cx="12" cy="12" r="3"/>',
    "home": '<path d="M3 11l9-8 9 8"/><path d="M5 10v10h5v-6h4v6h5V10"/>',
    "inbox": '<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1 3h6l1-3h5"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2 20c0-3.5 3-6 7-6s7 2.5 7 6"/>'
    '<path d="M16 4.5a3.5 3.5 0 0 1 0 7"/><path d="M22 20c0-3-2-5.2-5-5.8"/>',
    "alert": '<path d="M12 3l10 18H2z"/><path d="M12 10v5"/><path d="M12 18v.01"/>',
    "file": '<path d="M6 2h9l5 5v15H6z"/><path d="M14 2v6h6"/><path d="M9 13h8"/><path d="M9 17h8"/>',
    "bell": '<path d="M6 16v-5a6 6 0 1 1 12 0v5l2 2H4z"/><path d="M10 21h4"/>',
    "mail": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3 7l9 6 9-6"/>',
    "settings": '<path d="M4 6h9"/><path d="M17 6h3"/><path d="M4 12h3"/><path d="M11 12h9"/>'
    '<path d="M4 18h11"/><path d="M19 18h1"/><circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/>'
    '<circle cx="17" cy="18" r="2"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9"/><path d="M17 6l3 3"/><path d="M15 8l2 2"/>',
    "menu": '<path d="M4 6h16"/><path d="M4 12h16"/><path d="M4 18h16"/>',
    "close": '<path d="M6 6l12 12"/><path d="M18 6L6 18"/>',
    "logout": '<path d="M15 4h4v16h-4"/><path d="M10 8l-4 4 4 4"/><path d="M6 12h10"/>',
    "plus": '<path d="M12 5v14"/><path d="M5 12h14"/>',
    "check": '<path d="M5 12l5 5 9-10"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "chevron-down": '<path d="M6 9l6 6 6-6"/>',
    "copy": '<rect x="8" y="8" width="12" height="12" rx="2"/><path d="M16 8V4H4v12h4"/>',
    "arrow-right": '<path d="M5 12h14"/><path d="M13 6l6 6-6 6"/>',
    "shield": '<path d="M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z"/>',
}


@register.simple_tag
def icon(name: str, size: int = 18, label: str = "") -> SafeString:
    """An inline SVG icon; decorative (hidden from screen readers) unless given a `label`."""
    paths = _ICONS.get(name, _ICONS["dot"])
    a11y = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')
    return format_html(
        '<svg class="icon" width="{0}" height="{0}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" {1} focusable="false">{2}</svg>',
        size,
        a11y,
        mark_safe(paths),  # constant markup from _ICONS, never user input
    )


@register.filter
def when(value: datetime | None, style: str = "") -> SafeString | str:
    """`<time>` in the viewer's time zone (activated per request by ViewerTimezoneMiddleware).

    `{{ dt|when }}` shows "24 Nov 2026, 14:05"; `{{ dt|when:"relative" }}` lets app.js show
    "5 min ago" with the absolute time kept in the title.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    absolute = local.strftime("%-d %b %Y, %H:%M")
    full = local.strftime("%A %-d %B %Y, %H:%M %Z")
    relative = mark_safe(" data-relative") if style == "relative" else ""
    return format_html(
        '<time datetime="{}" title="{}"{}>{}</time>', value.isoformat(), full, relative, absolute
    )


@register.filter
def initials(user: object) -> str:
    """Up to two initials for an avatar: "Priya Shah" → "PS"; falls back to the email's first letter."""
    name = (getattr(user, "full_name", "") or "").split()
    if name:
        return "".join(part[0] for part in (name[0], name[-1]) if part).upper()[: 2 if len(name) > 1 else 1]
    return (getattr(user, "email", "") or "?")[:1].upper()
