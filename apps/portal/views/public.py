"""Pages that work without signing in: order tracking, and the signed links in messages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from apps.cases.models import CaseStatus
from apps.feedback.models import CsatSource
from apps.feedback.selectors import csat_for_case
from apps.feedback.services import RATEABLE_STATUSES
from apps.portal.decorators import portal_view, sign_in_url
from apps.portal.forms import CsatForm, OrderLookupForm, ResolutionForm
from apps.portal.i18n import SESSION_LANGUAGE, customer_language
from apps.portal.links import csat_link
from apps.portal.services.cases import Via
from apps.portal.services.lookup import LookupOutcome, order_lookup
from apps.portal.throttle import window_seconds
from apps.portal.tokens import LinkPurpose, case_for_link
from apps.portal.views.cases import answer_resolution, rate, rating_thanks
from apps.portal.views.common import client_ip


@portal_view
def track_order(request: HttpRequest) -> HttpResponse:
    form = OrderLookupForm(request.POST or None)
    context = {"form": form, "order": None}
    if request.method == "POST" and form.is_valid():
        result = order_lookup(
            tenant=request.tenant,
            order_number=form.cleaned_data["order_number"],
            proof=form.cleaned_data["proof"],
            ip=client_ip(request),
        )
        if result.outcome == LookupOutcome.FOUND:
            context["order"] = result.order
        elif result.outcome == LookupOutcome.THROTTLED:
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            response = render(request, "portal/track.html", context, status=429)
            response["Retry-After"] = str(window_seconds())
            return response
        else:
            form.add_error(
                None,
                _(
                    "We could not find an order with that number and email address or postcode. "
                    "Please check both and try again."
                ),
            )
    return render(request, "portal/track.html", context, status=400 if form.errors else 200)


def _linked_case(request: HttpRequest, reference: str, token: str, purpose: LinkPurpose):
    case = case_for_link(tenant=request.tenant, reference=reference, token=token, purpose=purpose)
    if case is None:
        raise Http404
    if not request.session.get(SESSION_LANGUAGE):  # the link was sent to this customer: their language
        request.LANGUAGE_CODE = customer_language(case.customer)
        translation.activate(request.LANGUAGE_CODE)
    return case


def _link_context(case) -> dict:
    return {"case": case, "sign_in": sign_in_url(f"/portal/cases/{case.reference}/")}


@portal_view
def link_confirm(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """ "Was this solved?" from a message: answers for this one case, without signing in."""
    case = _linked_case(request, reference, token, LinkPurpose.CONFIRM)
    form = ResolutionForm(request.POST or None)
    answering = request.method == "POST" and case.status == CaseStatus.RESOLVED
    if answering and answer_resolution(form, case, Via.LINK) is not None:
        return redirect(request.path)
    # "No, still a problem" in the message links here with ?answer=no: the reason box opens at once.
    context = {**_link_context(case), "form": form, "open_reason": request.GET.get("answer") == "no"}
    if case.status == CaseStatus.CLOSED and csat_for_case(case=case) is None:
        context["rate_link"] = csat_link(case)
    return render(request, "portal/link_confirm.html", context, status=400 if form.errors else 200)


@portal_view
def link_rate(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """ "How did we do?" from a message: rates this one case, without signing in."""
    case = _linked_case(request, reference, token, LinkPurpose.CSAT)
    rating = csat_for_case(case=case)
    initial = {"rating": request.GET.get("rating", "")}
    form = CsatForm(request.POST or None, initial=initial)
    thanks = ""
    if request.method == "POST" and rating is None:
        rating = rate(form, case, CsatSource.LINK)
        thanks = rating_thanks(rating) if rating else ""
    context = {
        **_link_context(case),
        "form": form,
        "rating": rating,
        "thanks": thanks,
        "rateable": case.status in RATEABLE_STATUSES,
    }
    return render(request, "portal/link_rate.html", context, status=400 if form.errors else 200)


@portal_view
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    raise Http404
