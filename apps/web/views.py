"""Staff shell: sign-in and the app home. Feature pages live in their own apps."""

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.web.decorators import staff_required


def root(request: HttpRequest) -> HttpResponse:
    return redirect("web:home")


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        user = authenticate(request, email=request.POST.get("email", ""), password=request.POST.get("password", ""))
        if user is not None:
            login(request, user)
            return redirect("web:home")
        error = "Email or password is not right."
    return render(request, "web/login.html", {"error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")
