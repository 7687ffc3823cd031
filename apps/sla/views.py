"""SLA settings for tenant admins: policies, business calendars and the escalation matrix.

Every page needs the admin role (others get 404, see `staff_required`). Rows are looked up within
the host's tenant only, so another tenant's calendar or policy is a 404 too. Views parse the form,
call one service and render; "due at" previews read the time through `apps.common.clock.now`.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.common.clock import now
from apps.sla.business_time import CalendarError, add_time
from apps.sla.defaults import holiday_region_for
from apps.sla.durations import parse_duration
from apps.sla.forms import (
    CalendarForm,
    CalendarTeamsForm,
    ClosureForm,
    EscalationFormSet,
    PolicyForm,
    TryCaseForm,
    apply_service_errors,
    escalation_initial,
)
from apps.sla.models import TARGET_FIELDS, BusinessCalendar, CalendarClosure, SlaPolicy, TimeBasis
from apps.sla.previews import (
    calendar_status,
    hours_summary,
    preview_effective,
    preview_targets,
    region_label,
    upcoming_closed_days,
)
from apps.sla.selectors import (
    calendar_closures,
    calendar_snapshot,
    calendars_of_tenant,
    escalation_matrix,
    opening_hours_by_weekday,
    policies_of_tenant,
    policy_for,
    snapshot_of,
    team_calendar_links,
)
from apps.sla.services import (
    calendar_create,
    calendar_delete,
    calendar_teams_set,
    calendar_update,
    closure_add,
    closure_remove,
    escalation_matrix_set,
    policy_create,
    policy_delete,
    policy_update,
    sla_install_defaults,
)
from apps.tenants.models import Role
from apps.web.decorators import staff_required
from apps.web.navigation import SETTINGS_TABS, NavEntry, links_for

admin_required = staff_required(role=Role.ADMIN)

SLA_TABS = [
    NavEntry("Policies", "sla:policies", Role.ADMIN),
    NavEntry("Business calendars", "sla:calendars", Role.ADMIN),
    NavEntry("Escalation matrix", "sla:escalation_matrix", Role.ADMIN),
    NavEntry("Timers", "sla:timer_settings", Role.ADMIN),
]
# The values cases carry (apps/cases/models.py), offered as suggestions; policies accept any value.
SUGGESTIONS = {
    "kinds": ["inquiry", "complaint", "service_request", "feedback_followup"],
    "priorities": ["urgent", "high", "normal", "low"],
    "channels": ["email", "portal", "chat", "phone", "sms", "api", "agent"],
}


def render_settings(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page of Settings → SLA and hours: the settings tabs, the SLA tabs, the suggestions."""
    membership, path = request.membership, request.path
    return render(
        request,
        template,
        {
            "settings_tabs": links_for(SETTINGS_TABS, membership=membership, path=path),
            "sla_tabs": links_for(SLA_TABS, membership=membership, path=path),
            "suggestions": SUGGESTIONS,
            **context,
        },
    )


# ---------------------------------------------------------------------------------------------
# Policies


@admin_required
@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    rows = list(policies_of_tenant(tenant=tenant))
    try_form = TryCaseForm(request.GET or {"channel": "email", "priority": "normal"}, tenant=tenant)
    preview = None
    if try_form.is_valid():
        effective = policy_for(tenant=tenant, **try_form.case_attributes())
        calendar = calendar_snapshot(tenant=tenant, calendar_id=effective.calendar_id)
        preview = preview_effective(effective, calendar=calendar, opened_at=now())
    return render_settings(
        request,
        "sla/policies.html",
        {"policies": rows, "try_form": try_form, "preview": preview, "has_defaults": bool(rows)},
    )


@admin_required
@require_POST
def install_defaults(request: HttpRequest) -> HttpResponse:
    if sla_install_defaults(tenant=request.tenant):
        messages.success(
            request, "The standard SLA policies, office hours and escalation matrix are in place."
        )
    return redirect("sla:policies")


def _policy_preview(request: HttpRequest, form: PolicyForm) -> dict:
    """The due times of the policy as the form currently says, for a case opened now."""
    if not form.is_bound:  # a page just opened: preview the saved values
        if form.policy is None:
            return {"preview_error": "Give the policy a name and a target to see when a case would be due."}
        form = PolicyForm(form.initial, tenant=request.tenant, policy=form.policy)
    if not form.is_valid():
        return {"preview_error": "Correct the form to see when a case would be due."}
    fields = form.service_fields()
    calendar = fields["calendar"]
    snapshot = calendar_snapshot(tenant=request.tenant, calendar_id=calendar.pk if calendar else None)
    targets = {
        kind: (fields[duration_field], fields[basis_field])
        for kind, (duration_field, basis_field) in TARGET_FIELDS.items()
    }
    warn = float(fields["warn_share"]) if fields["warn_share"] is not None else None
    return {"preview": preview_targets(targets, calendar=snapshot, opened_at=now(), warn_share=warn)}


def _policy_page(request: HttpRequest, form: PolicyForm, policy: SlaPolicy | None) -> HttpResponse:
    return render_settings(
        request, "sla/policy_form.html", {"form": form, "policy": policy, **_policy_preview(request, form)}
    )


@admin_required
@require_http_methods(["GET", "POST"])
def policy_create_view(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    highest = max((p.position for p in policies_of_tenant(tenant=tenant) if not p.is_fallback), default=0)
    initial = {"position": highest + 10, "is_active": True}
    form = PolicyForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy = policy_create(tenant=tenant, actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Policy “{policy.name}” created.")
            return redirect("sla:policies")
    return _policy_page(request, form, None)


@admin_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant
    policy = get_object_or_404(SlaPolicy.objects.for_tenant(tenant), pk=pk)
    form = PolicyForm(
        request.POST or None, tenant=tenant, policy=policy, initial=PolicyForm.initial_for(policy)
    )
    if request.method == "POST" and form.is_valid():
        try:
            policy_update(tenant=tenant, actor=request.user, policy=policy, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Policy “{policy.name}” saved.")
            return redirect("sla:policies")
    return _policy_page(request, form, policy)


@admin_required
@require_POST
def policy_preview(request: HttpRequest) -> HttpResponse:
    """The preview panel again, for the form's current values (htmx, as the admin types)."""
    policy = None
    if request.POST.get("policy"):
        policy = get_object_or_404(SlaPolicy.objects.for_tenant(request.tenant), pk=request.POST["policy"])
    form = PolicyForm(request.POST, tenant=request.tenant, policy=policy)
    return render(request, "sla/_policy_preview.html", _policy_preview(request, form))


@admin_required
@require_POST
def policy_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy.objects.for_tenant(request.tenant), pk=pk)
    try:
        policy_delete(tenant=request.tenant, actor=request.user, policy=policy)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Policy “{policy.name}” deleted.")
    return redirect("sla:policies")


# ---------------------------------------------------------------------------------------------
# Calendars


@admin_required
@require_GET
def calendars(request: HttpRequest) -> HttpResponse:
    at = now()
    rows = []
    for calendar in calendars_of_tenant(tenant=request.tenant):
        snapshot = calendar_snapshot(tenant=request.tenant, calendar_id=calendar.pk)
        region = region_label(calendar.country, calendar.subdivision)
        rows.append((calendar, hours_summary(snapshot), region, calendar_status(snapshot, at)))
    return render_settings(request, "sla/calendars.html", {"rows": rows})


@admin_required
@require_http_methods(["GET", "POST"])
def calendar_create_view(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    country, subdivision = holiday_region_for(tenant.time_zone)
    initial = {
        "time_zone": tenant.time_zone,
        "country": country,
        "subdivision": subdivision,
        **{f"hours_{day}": "09:00-17:00" for day in range(5)},
    }
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            calendar = calendar_create(tenant=tenant, actor=request.user, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Calendar “{calendar.name}” created.")
            return redirect("sla:calendar_edit", pk=calendar.pk)
    return render_settings(request, "sla/calendar_form.html", {"form": form, "calendar": None})


def _calendar_of(request: HttpRequest, pk: int) -> BusinessCalendar:
    return get_object_or_404(
        BusinessCalendar.objects.for_tenant(request.tenant).prefetch_related("periods"), pk=pk
    )


def _calendar_page(
    request: HttpRequest,
    calendar: BusinessCalendar,
    *,
    form: CalendarForm | None = None,
    closure_form: ClosureForm | None = None,
    teams_form: CalendarTeamsForm | None = None,
) -> HttpResponse:
    """The calendar's page; each of its forms not given shows the saved values (or is empty)."""
    tenant = request.tenant
    if form is None:
        initial = CalendarForm.initial_for(calendar, opening_hours_by_weekday(calendar))
        form = CalendarForm(initial=initial, calendar=calendar)
    closure_form = closure_form or ClosureForm()
    teams_form = teams_form or _teams_form(request, calendar)
    closures = list(calendar_closures(tenant=tenant, calendar=calendar))
    snapshot = snapshot_of(calendar)
    at = now()
    today = at.astimezone(calendar.zone).date()
    context = {
        "calendar": calendar,
        "form": form,
        "closure_form": closure_form,
        "teams_form": teams_form,
        "closures": [closure for closure in closures if closure.end_date >= today],
        "past_closure_count": sum(1 for closure in closures if closure.end_date < today),
        "status": calendar_status(snapshot, at),
        "now": at,
        "closed_days": upcoming_closed_days(snapshot, closures, today)[:12],
        "check": _deadline_check(request, calendar, snapshot),
    }
    return render_settings(request, "sla/calendar_form.html", context)


def _deadline_check(request: HttpRequest, calendar: BusinessCalendar, snapshot) -> dict:
    """The "when is it due?" calculator: a start in the calendar's zone plus a target."""
    start_text = request.GET.get("check_start", "")
    duration_text = request.GET.get("check_duration", "4h")
    basis = request.GET.get("check_basis", TimeBasis.BUSINESS)
    result: dict = {"start": start_text, "duration": duration_text, "basis": basis}
    if not start_text:
        return result
    try:
        start = datetime.fromisoformat(start_text).replace(tzinfo=calendar.zone)
        duration = parse_duration(duration_text, business=basis == TimeBasis.BUSINESS) or timedelta(0)
        result["due"] = add_time(snapshot, start, duration, business=basis == TimeBasis.BUSINESS)
    except ValidationError as error:
        result["error"] = " ".join(error.messages)
    except CalendarError as error:
        result["error"] = str(error)
    except ValueError:
        result["error"] = "Enter the start as a date and time."
    return result


@admin_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant
    calendar = _calendar_of(request, pk)
    initial = CalendarForm.initial_for(calendar, opening_hours_by_weekday(calendar))
    form = CalendarForm(request.POST or None, initial=initial, calendar=calendar)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_update(tenant=tenant, actor=request.user, calendar=calendar, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Calendar “{calendar.name}” saved.")
            return redirect("sla:calendar_edit", pk=calendar.pk)
    return _calendar_page(request, calendar, form=form)


def _teams_form(request: HttpRequest, calendar: BusinessCalendar, data=None) -> CalendarTeamsForm:
    links = team_calendar_links(tenant=request.tenant)
    return CalendarTeamsForm(data, tenant=request.tenant, calendar=calendar, links=links)


@admin_required
@require_POST
def calendar_teams_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the teams that work to this calendar."""
    tenant = request.tenant
    calendar = _calendar_of(request, pk)
    teams_form = _teams_form(request, calendar, request.POST)
    if teams_form.is_valid():
        try:
            team_ids = calendar_teams_set(
                tenant=tenant, actor=request.user, calendar=calendar, team_ids=teams_form.team_ids()
            )
        except ValidationError as error:
            apply_service_errors(teams_form, error)
        else:
            count = len(team_ids)
            teams = "1 team now works" if count == 1 else f"{count or 'No'} teams now work"
            messages.success(request, f"{teams} to “{calendar.name}”.")
            return redirect("sla:calendar_edit", pk=calendar.pk)
    return _calendar_page(request, calendar, teams_form=teams_form)


@admin_required
@require_GET
def calendar_subdivisions(request: HttpRequest) -> HttpResponse:
    """The region field for the chosen country (htmx swaps it in when the country changes)."""
    form = CalendarForm(initial={"country": request.GET.get("country", "")})
    return render(request, "sla/_subdivision_field.html", {"form": form})


@admin_required
@require_POST
def calendar_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(BusinessCalendar.objects.for_tenant(request.tenant), pk=pk)
    try:
        calendar_delete(tenant=request.tenant, actor=request.user, calendar=calendar)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("sla:calendar_edit", pk=calendar.pk)
    messages.success(request, f"Calendar “{calendar.name}” deleted.")
    return redirect("sla:calendars")


@admin_required
@require_POST
def closure_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant
    calendar = _calendar_of(request, pk)
    closure_form = ClosureForm(request.POST)
    if closure_form.is_valid():
        try:
            closure = closure_add(
                tenant=tenant, actor=request.user, calendar=calendar, **closure_form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(closure_form, error)
        else:
            messages.success(request, f"Closure “{closure.name}” added.")
            return redirect("sla:calendar_edit", pk=calendar.pk)
    return _calendar_page(request, calendar, closure_form=closure_form)


@admin_required
@require_POST
def closure_remove_view(request: HttpRequest, pk: int, closure_pk: int) -> HttpResponse:
    closure = get_object_or_404(
        CalendarClosure.objects.for_tenant(request.tenant).select_related("calendar"),
        pk=closure_pk,
        calendar_id=pk,
    )
    closure_remove(tenant=request.tenant, actor=request.user, closure=closure)
    messages.success(request, f"Closure “{closure.name}” removed.")
    return redirect("sla:calendar_edit", pk=pk)


# ---------------------------------------------------------------------------------------------
# Escalation matrix


@admin_required
@require_http_methods(["GET", "POST"])
def escalation_matrix_view(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    initial = escalation_initial(escalation_matrix(tenant=tenant))
    formset = EscalationFormSet(request.POST or None, initial=initial, tenant=tenant, prefix="levels")
    if request.method == "POST" and formset.is_valid():
        try:
            escalation_matrix_set(tenant=tenant, actor=request.user, levels=formset.specs())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Escalation matrix saved.")
            return redirect("sla:escalation_matrix")
    return render_settings(request, "sla/escalation_matrix.html", {"formset": formset})
