"""Staff shell: the app home. Sign-in lives in auth_views.py, tenant settings in settings_views.py."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.web.decorators import staff_required
from apps.web.navigation import NAVIGATION, links_for


def root(request: HttpRequest) -> HttpResponse:
    return redirect("web:home")


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """A short overview: who you are here and where to go (the navigation entries, as cards)."""
    links = links_for(NAVIGATION, membership=request.membership, path=request.path)
    return render(request, "web/home.html", {"quick_links": [link for link in links if not link.active]})
