"""Show times in the viewer's time zone: the user's own, else the tenant's."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ViewerTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone_name = getattr(user, "time_zone", "")
        tenant = getattr(request, "tenant", None)
        if not zone_name and tenant is not None:
            zone_name = tenant.time_zone
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name or "UTC"))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
