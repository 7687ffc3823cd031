"""The customer's cases: overview, list, one case (reply, confirm, rate), a new case, downloads."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cases.models import Case, CaseStatus, MessageChannel, SourceChannel
from apps.cases.selectors import (
    case_timeline,
    customer_attachment,
    customer_case_by_reference,
    customer_cases,
)
from apps.cases.services import case_customer_message
from apps.customers.selectors import customer_orders
from apps.feedback.models import CsatResponse, CsatSource
from apps.feedback.selectors import csat_for_case
from apps.feedback.services import csat_submit
from apps.notifications.selectors import portal_inbox_messages
from apps.portal.decorators import customer_required
from apps.portal.forms import CsatForm, NewCaseForm, ReplyForm, ResolutionForm
from apps.portal.selectors import expected_resolutions
from apps.portal.services.cases import (
    Via,
    portal_attachment_download_record,
    portal_case_open,
    portal_resolution_answer,
)
from apps.portal.views.common import form_submit

ATTENTION = (CaseStatus.PENDING_CUSTOMER, CaseStatus.RESOLVED)
# Cases that came in through these were described by the customer in their own words, so the
# description is theirs to see. An agent's summary of a phone call or an API import may not be.
CUSTOMER_WORDED = (SourceChannel.PORTAL, SourceChannel.EMAIL, SourceChannel.SMS, SourceChannel.CHAT)


def _with_estimates(request: HttpRequest, cases: list[Case]) -> list[Case]:
    """Set `expected_by` (the expected resolution time, or None) on each case for the templates."""
    estimates = expected_resolutions(tenant=request.tenant, customer=request.portal_customer, cases=cases)
    for case in cases:
        case.expected_by = estimates.get(case.pk)
    return cases


def _case_or_404(request: HttpRequest, reference: str) -> Case:
    case = customer_case_by_reference(customer=request.portal_customer, reference=reference)
    if case is None:
        raise Http404
    return case


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    """The overview: what needs the customer's attention first, then open cases, orders, messages."""
    customer = request.portal_customer
    cases = list(customer_cases(customer=customer)[:50])
    open_cases = _with_estimates(request, [case for case in cases if case.status != CaseStatus.CLOSED])
    context = {
        "attention": [case for case in open_cases if case.status in ATTENTION],
        "open_cases": [case for case in open_cases if case.status not in ATTENTION][:5],
        "orders": list(customer_orders(customer=customer)[:3]),
        "unread": portal_inbox_messages(tenant=request.tenant, customer_id=customer.pk)
        .filter(read_at__isnull=True)
        .count(),
    }
    return render(request, "portal/home.html", context)


@customer_required
def case_list(request: HttpRequest) -> HttpResponse:
    customer = request.portal_customer
    cases = list(customer_cases(customer=customer))
    context = {
        "current": _with_estimates(request, [case for case in cases if case.status != CaseStatus.CLOSED]),
        "closed": [case for case in cases if case.status == CaseStatus.CLOSED],
    }
    return render(request, "portal/cases.html", context)


def _case_page(request: HttpRequest, case: Case, status: int = 200, **forms) -> HttpResponse:
    """The case page; `forms` are bound forms of a failed POST, shown with their errors. A form
    whose panel the case no longer offers (rating a rated case) has its errors shown at the top."""
    rating = csat_for_case(case=case)
    shown = {
        "reply_form": case.status != CaseStatus.CLOSED,
        "resolution_form": case.status == CaseStatus.RESOLVED,
        # Asked in turn: first "is it solved?", then, once closed, "how did we do?".
        "csat_form": rating is None and case.status == CaseStatus.CLOSED,
    }
    page_errors = [
        message
        for name, form in forms.items()
        if not shown[name]
        for messages_of_field in form.errors.values()
        for message in messages_of_field
    ]
    context = {
        "case": _with_estimates(request, [case])[0],
        "timeline": case_timeline(case=case, include_internal=False),
        "show_description": case.source_channel in CUSTOMER_WORDED,
        "rating": rating,
        "can_reply": shown["reply_form"],
        "can_confirm": shown["resolution_form"],
        "can_rate": shown["csat_form"],
        "page_errors": page_errors,
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "resolution_form": forms.get("resolution_form") or ResolutionForm(),
        "csat_form": forms.get("csat_form") or CsatForm(),
    }
    return render(request, "portal/case.html", context, status=status)


@customer_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, _case_or_404(request, reference))


def answer_resolution(form: ResolutionForm, case: Case, via: str) -> Case | None:
    """The customer's "was it solved?" answer from `form`, through the portal service."""
    return form_submit(
        form,
        lambda data: portal_resolution_answer(
            customer=case.customer, case=case, solved=data["solved"], reason=data["reason"], via=via
        ),
    )


def rate(form: CsatForm, case: Case, source: str) -> CsatResponse | None:
    """The customer's rating from `form`, through the feedback service."""
    return form_submit(
        form,
        lambda data: csat_submit(
            actor=case.customer, case=case, rating=data["rating"], comment=data["comment"], source=source
        ),
    )


@require_POST
@customer_required
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    form = ReplyForm(request.POST, request.FILES)
    entry = form_submit(
        form,
        lambda data: case_customer_message(
            case=case, body=data["body"], channel=MessageChannel.PORTAL, attachments=data["attachments"]
        ),
    )
    if entry is None:
        return _case_page(request, case, status=400, reply_form=form)
    message = _("Thank you. Your message has been added to %(reference)s.")
    messages.success(request, message % {"reference": case.reference})
    return redirect(reverse("portal:case", args=[case.reference]) + "#latest")


@require_POST
@customer_required
def case_confirm(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    form = ResolutionForm(request.POST)
    if answer_resolution(form, case, Via.PORTAL) is None:
        return _case_page(request, case, status=400, resolution_form=form)
    if form.cleaned_data["solved"]:
        message = _("Thank you for letting us know. We have closed %(reference)s.")
    else:
        message = _("Sorry it is not sorted yet. We have reopened %(reference)s and will get back to you.")
    messages.success(request, message % {"reference": case.reference})
    return redirect("portal:case", case.reference)


@require_POST
@customer_required
def case_rate(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_or_404(request, reference)
    form = CsatForm(request.POST)
    response = rate(form, case, CsatSource.PORTAL)
    if response is None:
        return _case_page(request, case, status=400, csat_form=form)
    messages.success(request, rating_thanks(response))
    return redirect("portal:case", case.reference)


def rating_thanks(response: CsatResponse) -> str:
    if response.followup_case_id:
        return _(
            "Thank you for your honest feedback. We are sorry we let you down; someone will be in touch "
            "about it (reference %(reference)s)."
        ) % {"reference": response.followup_case.reference}
    return _("Thank you for your feedback!")


@customer_required
def case_new(request: HttpRequest) -> HttpResponse:
    customer = request.portal_customer
    orders = list(customer_orders(customer=customer))
    initial = {}
    if request.GET.get("order", "").isdigit():
        initial["order"] = int(request.GET["order"])
    form = NewCaseForm(request.POST or None, request.FILES or None, orders=orders, initial=initial)
    if request.method == "POST":
        case = form_submit(
            form,
            lambda data: portal_case_open(
                customer=customer,
                kind=data["kind"],
                subject=data["subject"],
                description=data["description"],
                order=data.get("order"),
                attachments=data["attachments"],
            ),
        )
        if case is not None:
            message = _("Thank you, we have received your request. Your reference is %(reference)s.")
            messages.success(request, message % {"reference": case.reference})
            return redirect("portal:case", case.reference)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "portal/case_new.html", {"form": form}, status=status)


@customer_required
def attachment_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case_or_404(request, reference)
    attachment = customer_attachment(case=case, attachment_id=pk)
    if attachment is None:
        raise Http404
    portal_attachment_download_record(
        customer=request.portal_customer, case=case, attachment_id=attachment.pk
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
