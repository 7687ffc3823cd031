from django.http import HttpRequest

from apps.web import navigation


def _ink_on(hex_colour: str) -> str:
    """Black or white, whichever reads better on the brand colour (WCAG relative luminance)."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Above ~0.18 dark text has the higher contrast ratio, below it white does.
    return "#111827" if luminance > 0.179 else "#ffffff"


def tenant_shell(request: HttpRequest) -> dict:
    """What every staff page needs for its frame: the tenant (branding), the viewer's role, navigation."""
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    return {
        "tenant": tenant,
        "membership": membership,
        "brand_ink": _ink_on(tenant.brand_colour) if tenant else "#ffffff",
        "navigation": navigation.links_for(navigation.NAVIGATION, membership=membership, path=request.path),
    }
