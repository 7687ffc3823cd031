"""Error responses: HTML pages for people, the API's JSON error shape under /api/.

Wired in config/urls.py as handler400/403/404/500. DRF views answer their own errors through
apps.api.errors; these cover what never reaches a DRF view (an unknown /api/ path, a crash).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template

from apps.api.errors import error_body

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("bad_request", "The request could not be understood."), status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("permission_denied", "You may not do this."), status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context here: the page must render even when a context processor is what broke."""
    if _is_api(request):
        return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)
    return HttpResponse(get_template("500.html").render(), status=500)
