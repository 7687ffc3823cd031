"""Staff shell: the app home. Sign-in lives in auth_views.py, tenant settings in settings_views.py."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.web import navigation
from apps.web.decorators import staff_required


def root(request: HttpRequest) -> HttpResponse:
    return redirect("web:home")


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """A short overview: who you are here and where to go (the navigation entries, as cards)."""
    links = navigation.links_for(navigation.NAVIGATION, membership=request.membership, path=request.path)
    return render(request, "web/home.html", {"quick_links": [link for link in links if not link.active]})
