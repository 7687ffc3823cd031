"""Signing in with a one-time code or link, signing out, and the language switch."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from apps.portal.decorators import portal_view
from apps.portal.forms import CodeForm, SignInForm
from apps.portal.i18n import SESSION_LANGUAGE, supported
from apps.portal.services.sign_in import (
    Address,
    SignInOutcome,
    SignInResult,
    portal_sign_out_record,
    sign_in_code_request,
    sign_in_code_verify,
    sign_in_link_is_live,
    sign_in_link_use,
)
from apps.portal.session import PENDING_KEY, portal_session_end, portal_session_start, safe_next
from apps.portal.throttle import window_seconds
from apps.portal.views.common import client_ip, mask_address

HOME = "portal:home"


def _too_many(form, retry_after: int) -> None:
    minutes = max(1, retry_after // 60)
    form.add_error(
        None, _("Too many attempts. Please wait %(minutes)s minutes and try again.") % {"minutes": minutes}
    )


def _throttled_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(window_seconds())
    return response


def _signed_in(request: HttpRequest, result: SignInResult, fallback_next: str = "") -> HttpResponse:
    portal_session_start(request, result.customer)
    messages.success(
        request, _("Welcome, %(name)s. You are signed in.") % {"name": result.customer.first_name}
    )
    return redirect(safe_next(result.next_path) or safe_next(fallback_next) or HOME)


def code_refused_message() -> str:
    """One answer for a wrong, expired, used or blocked code, or no code at all (no enumeration)."""
    return _(
        "That code did not work. A code works once, for %(minutes)s minutes, and stops after "
        "%(tries)s wrong tries. Check our latest message, or ask for a new code."
    ) % {"minutes": settings.PORTAL_CODE_TTL_SECONDS // 60, "tries": settings.PORTAL_CODE_MAX_TRIES}


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@sensitive_post_parameters("address")
@portal_view
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.portal_customer is not None:
        return redirect(safe_next(request.GET.get("next")) or HOME)
    form = SignInForm(
        request.POST or None, tenant=request.tenant, initial={"next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        address: Address = form.cleaned_data["address"]
        next_path = form.cleaned_data["next"]
        sent = sign_in_code_request(
            tenant=request.tenant,
            address=address,
            ip=client_ip(request),
            next_path=next_path,
            base_url=_base_url(request),
        )
        if not sent:
            _too_many(form, window_seconds())
            return _throttled_page(request, "portal/sign_in.html", {"form": form})
        request.session[PENDING_KEY] = {"kind": address.kind, "value": address.value, "next": next_path}
        return redirect("portal:sign_in_code")
    return render(request, "portal/sign_in.html", {"form": form})


@sensitive_post_parameters("code")
@portal_view
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return redirect("portal:sign_in")
    address = Address(pending["kind"], pending["value"])
    form = CodeForm(request.POST or None)
    context = {"form": form, "masked": mask_address(address.kind, address.value), "channel": address.channel}
    if request.method == "POST" and form.is_valid():
        result = sign_in_code_verify(
            tenant=request.tenant, address=address, code=form.cleaned_data["code"], ip=client_ip(request)
        )
        if result.outcome == SignInOutcome.SIGNED_IN:
            return _signed_in(request, result, pending.get("next", ""))
        if result.outcome == SignInOutcome.THROTTLED:
            _too_many(form, window_seconds())
            return _throttled_page(request, "portal/sign_in_code.html", context)
        form.add_error("code", code_refused_message())
    return render(request, "portal/sign_in_code.html", context)


@require_POST
@portal_view
def sign_in_resend(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return redirect("portal:sign_in")
    sent = sign_in_code_request(
        tenant=request.tenant,
        address=Address(pending["kind"], pending["value"]),
        ip=client_ip(request),
        next_path=pending.get("next", ""),
        base_url=_base_url(request),
    )
    if sent:
        messages.success(request, _("We sent you a new code. Only the newest code works."))
    else:
        messages.error(request, _("Too many attempts. Please wait a few minutes and try again."))
    return redirect("portal:sign_in_code")


@portal_view
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the code's email. GET only shows a button: mail scanners follow links, and a
    fetched link must not sign anyone in. The button POSTs, which signs in."""
    if request.method == "POST":
        result = sign_in_link_use(tenant=request.tenant, token=token, ip=client_ip(request))
        if result.outcome == SignInOutcome.SIGNED_IN:
            return _signed_in(request, result)
        status = 429 if result.outcome == SignInOutcome.THROTTLED else 400
        return render(request, "portal/sign_in_link.html", {"live": False}, status=status)
    live = sign_in_link_is_live(tenant=request.tenant, token=token)
    return render(request, "portal/sign_in_link.html", {"live": live})


@require_POST
@portal_view
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.portal_customer is not None:
        portal_sign_out_record(tenant=request.tenant, customer=request.portal_customer)
    portal_session_end(request)
    messages.success(request, _("You have signed out. See you soon!"))
    return redirect("portal:sign_in")


@require_POST
@portal_view
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch of pages shown before signing in (afterwards, Preferences decides)."""
    language = supported(request.POST.get("language", ""))
    if language:
        request.session[SESSION_LANGUAGE] = language
    return redirect(safe_next(request.POST.get("next")) or "portal:sign_in")
