"""Wrappers every portal view wears: `portal_view` (language, time zone, no caching, the portal's
own 404 page) and `customer_required` (a signed-in customer of this tenant, else the sign-in page)."""

import zoneinfo
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from apps.portal.i18n import request_language
from apps.portal.session import portal_session_customer, safe_next

View = Callable[..., HttpResponse]


def _activate_time_zone(request: HttpRequest) -> None:
    customer = request.portal_customer
    name = customer.time_zone if customer is not None else request.tenant.time_zone
    try:
        timezone.activate(zoneinfo.ZoneInfo(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.activate(zoneinfo.ZoneInfo("UTC"))


def portal_view(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.portal_customer, expired = portal_session_customer(request)
        language = request_language(request, request.portal_customer)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        _activate_time_zone(request)
        if expired:
            messages.info(
                request, _("You were signed out after a while without activity. Please sign in again.")
            )
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render(request, "portal/404.html", status=404)
        # Pages show personal data: no shared or browser cache may keep them.
        add_never_cache_headers(response)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper


def sign_in_url(next_path: str = "") -> str:
    url = reverse("portal:sign_in")
    next_path = safe_next(next_path)
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def customer_required(view: View) -> View:
    @portal_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.portal_customer is None:
            next_path = request.get_full_path() if request.method == "GET" else ""
            return redirect(sign_in_url(next_path))
        return view(request, *args, **kwargs)

    return wrapper
