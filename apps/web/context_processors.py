from django.http import HttpRequest


def tenant_shell(request: HttpRequest) -> dict:
    """What every staff page needs for its frame: the tenant (branding) and the viewer's role."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
    }
