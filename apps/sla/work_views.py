"""Staff pages of the SLA engine: the escalation queue, staff notices (the bell), live clocks, and the
tenant's timer settings. Thin: parse, call one service or selector, render.

Rows are looked up within the host's tenant (another tenant's escalation or notice is a 404), a
case's clock through `cases_visible_to` (a case the agent may not see is a 404 as well).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.cases.selectors import case_by_reference, team_list
from apps.sla.clocks import sla_clocks_for_cases
from apps.sla.escalations import escalation_acknowledge, escalation_deescalate, escalation_reassign
from apps.sla.forms import apply_service_errors
from apps.sla.models import Escalation, EscalationStatus, StaffNotice
from apps.sla.notices import staff_notice_read, staff_notices_for, unread_notice_count
from apps.sla.queues import EscalationFilters, escalation_by_id, escalation_counts, escalation_queue
from apps.sla.tenant_settings import sla_settings_for, sla_settings_update
from apps.sla.views import render_settings
from apps.sla.work_forms import DeescalateForm, ReassignForm, SlaSettingsForm
from apps.tenants.models import Role
from apps.web.decorators import staff_required

supervisor_required = staff_required(role=Role.SUPERVISOR)
PAGE_SIZE = 50
TABS = (
    (EscalationStatus.OPEN, "Open"),
    (EscalationStatus.ACKNOWLEDGED, "Acknowledged"),
    (EscalationStatus.RESOLVED, "Resolved"),
)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- the escalation queue ----------------------------------------------------------------------


@supervisor_required
@require_GET
def escalations(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    status = request.GET.get("status") or EscalationStatus.OPEN
    if status not in EscalationStatus.values:
        status = EscalationStatus.OPEN
    team_id = _int_or_none(request.GET.get("team"))
    page = Paginator(
        escalation_queue(tenant=tenant, filters=EscalationFilters(status, team_id)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counts = escalation_counts(tenant=tenant, team_id=team_id)
    return render(
        request,
        "sla/escalations.html",
        {
            "page": page,
            "rows": rows,
            "clocks": sla_clocks_for_cases(tenant=tenant, case_ids=[row.case_id for row in rows]),
            "status": status,
            "tabs": [(value, label, counts.get(value), value == status) for value, label in TABS],
            "teams": list(team_list(tenant=tenant)),
            "team_id": team_id,
            "reassign_form": ReassignForm(tenant=tenant),
            "deescalate_form": DeescalateForm(),
        },
    )


def _escalation_or_404(request: HttpRequest, pk: int):
    escalation = escalation_by_id(tenant=request.tenant, escalation_id=pk)
    if escalation is None:
        raise Http404("No such escalation.")
    return escalation


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    # Only back to the queue itself (any tab or filter), never to another site.
    if not target.startswith(reverse("sla:escalations")):
        target = reverse("sla:escalations")
    return redirect(target)


def _act(
    request: HttpRequest, pk: int, perform: Callable[[Escalation], str], form: Form | None = None
) -> HttpResponse:
    """Run one escalation action; its message (or the form's or service's error) shows on the queue."""
    escalation = _escalation_or_404(request, pk)
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return _back(request)
    try:
        done = perform(escalation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(request)


@supervisor_required
@require_POST
def escalation_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(escalation: Escalation) -> str:
        escalation_acknowledge(actor=request.user, escalation=escalation)
        return f"You took {escalation.case.reference} in hand."

    return _act(request, pk, perform)


@supervisor_required
@require_POST
def escalation_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReassignForm(request.POST, tenant=request.tenant)

    def perform(escalation: Escalation) -> str:
        assignee = form.cleaned_data["assignee"]
        escalation_reassign(actor=request.user, escalation=escalation, assignee=assignee)
        return f"{escalation.case.reference} is now with {assignee}."

    return _act(request, pk, perform, form)


@supervisor_required
@require_POST
def escalation_deescalate_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = DeescalateForm(request.POST)

    def perform(escalation: Escalation) -> str:
        escalation_deescalate(actor=request.user, escalation=escalation, reason=form.cleaned_data["reason"])
        return f"{escalation.case.reference} was de-escalated."

    return _act(request, pk, perform, form)


# --- staff notices -------------------------------------------------------------------------------


@staff_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    rows = staff_notices_for(tenant=request.tenant, user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sla/notices.html", {"page": page, "notices": list(page.object_list)})


@staff_required
@require_GET
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go to its case (or back to the list)."""
    notice: StaffNotice | None = (
        staff_notices_for(tenant=request.tenant, user=request.user).filter(pk=pk).first()
    )
    if notice is None:
        raise Http404("No such notice.")
    staff_notice_read(tenant=request.tenant, user=request.user, notice_id=notice.pk)
    if notice.case_id:
        return redirect("cases:detail", reference=notice.case.reference)
    return redirect("sla:notices")


@staff_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    staff_notice_read(tenant=request.tenant, user=request.user)
    return redirect("sla:notices")


@staff_required
@require_GET
def notice_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, for its periodic htmx refresh."""
    count = unread_notice_count(tenant=request.tenant, user=request.user)
    return render(request, "sla/_bell.html", {"show": True, "unread_notices": count})


# --- a case's live clock -----------------------------------------------------------------------


@staff_required
@require_GET
def case_clock(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_by_reference(tenant=request.tenant, membership=request.membership, reference=reference)
    if case is None:
        raise Http404("No such case.")
    clock = sla_clocks_for_cases(tenant=request.tenant, case_ids=[case.pk]).get(case.pk)
    return render(request, "sla/_clock.html", {"clock": clock, "case": case, "live": True})


# --- tenant settings ----------------------------------------------------------------------------


@staff_required(role=Role.ADMIN)
@require_http_methods(["GET", "POST"])
def timer_settings(request: HttpRequest) -> HttpResponse:
    row = sla_settings_for(request.tenant)
    form = SlaSettingsForm(request.POST or None, initial=SlaSettingsForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        try:
            sla_settings_update(tenant=request.tenant, actor=request.user, changes=form.changes())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Timer settings saved.")
            return redirect("sla:timer_settings")
    return render_settings(request, "sla/timer_settings.html", {"form": form})
