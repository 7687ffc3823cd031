"""Settings → Teams (namespace `teams`, admins only): the teams, their members and business calendars.

Teams route cases, decide what agents see and whom escalations reach (docs/cases.md). Every team
is looked up within the host's tenant, so another tenant's team is a 404; bad input is a form error.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import User
from apps.cases.models import Team, TeamMembership
from apps.cases.selectors import staff_roles, team_list, teams_with_members
from apps.cases.services import team_add_member, team_create, team_delete, team_remove_member, team_update
from apps.cases.team_forms import TeamCalendarForm, TeamForm, TeamMemberAddForm
from apps.common.forms import apply_service_errors
from apps.sla.selectors import default_calendar, team_calendar_links
from apps.sla.services import team_calendar_set
from apps.tenants.models import Role, Tenant
from apps.web.decorators import staff_required
from apps.web.navigation import SETTINGS_TABS, links_for

admin_required = staff_required(role=Role.ADMIN)
LEADS = (Role.SUPERVISOR, Role.ADMIN)  # the team's supervisors, whom its escalations reach


@dataclass(frozen=True)
class TeamMember:
    user: User
    role: str  # the tenant role; "" when no longer an active member

    @property
    def is_lead(self) -> bool:
        return self.role in LEADS

    @property
    def name(self) -> str:
        return self.user.full_name or self.user.email


@dataclass(frozen=True)
class TeamRow:
    team: Team
    members: list[TeamMember]
    calendar_label: str
    open_cases: int


def _default_label(tenant: Tenant) -> str:
    default = default_calendar(tenant=tenant)
    return f"Default ({default.name})" if default else "Default"


def _members(memberships: Iterable[TeamMembership], roles: dict[int, str]) -> list[TeamMember]:
    return [TeamMember(m.user, roles.get(m.user_id, "")) for m in memberships]


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    tabs = links_for(SETTINGS_TABS, membership=request.membership, path=request.path)
    return render(request, template, {"settings_tabs": tabs, **context}, status=status)


def _team_of(request: HttpRequest, pk: int) -> Team:
    return get_object_or_404(team_list(tenant=request.tenant), pk=pk)


@admin_required
@require_http_methods(["GET", "POST"])
def team_list_view(request: HttpRequest) -> HttpResponse:
    """The teams, and a form for a new one."""
    tenant = request.tenant
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The team “{team.name}” is ready. Add its members here.")
            return redirect("teams:detail", pk=team.pk)
    roles, links, default = (
        staff_roles(tenant=tenant),
        team_calendar_links(tenant=tenant),
        _default_label(tenant),
    )
    rows = [
        TeamRow(
            team,
            _members(team.memberships.all(), roles),
            links[team.pk].calendar.name if team.pk in links else default,
            team.open_case_count,
        )
        for team in teams_with_members(tenant=tenant)
    ]
    return _render(request, "cases/teams.html", {"rows": rows, "form": form}, 400 if form.is_bound else 200)


def _team_page(
    request: HttpRequest,
    team: Team,
    *,
    form: TeamForm | None = None,
    member_form: TeamMemberAddForm | None = None,
    calendar_form: TeamCalendarForm | None = None,
) -> HttpResponse:
    tenant = request.tenant
    link = team_calendar_links(tenant=tenant).get(team.pk)
    shown = teams_with_members(tenant=tenant).get(pk=team.pk)
    context = {
        "team": team,
        "open_cases": shown.open_case_count,
        "members": _members(shown.memberships.all(), staff_roles(tenant=tenant)),
        "form": form or TeamForm(initial={"name": team.name, "description": team.description}),
        "member_form": member_form or TeamMemberAddForm(tenant=tenant, team=team),
        "calendar_form": calendar_form
        or TeamCalendarForm(tenant=tenant, initial={"calendar": link.calendar_id if link else None}),
        "calendar_label": link.calendar.name if link else _default_label(tenant),
    }
    bound = any(f is not None and f.is_bound for f in (form, member_form, calendar_form))
    return _render(request, "cases/team.html", context, 400 if bound else 200)


@admin_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's page; a POST saves its name and description."""
    team = _team_of(request, pk)
    if request.method == "GET":
        return _team_page(request, team)
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team_update(tenant=request.tenant, actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            team.refresh_from_db()
        else:
            messages.success(request, f"The team “{team.name}” is saved.")
            return redirect("teams:detail", pk=team.pk)
    return _team_page(request, team, form=form)


@admin_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    form = TeamMemberAddForm(request.POST, tenant=request.tenant, team=team)
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            team_add_member(actor=request.user, team=team, user=user)
        except ValidationError as error:
            apply_service_errors(form, error, renamed={"assignee": "user"})
        else:
            messages.success(request, f"{user.full_name or user.email} is now in “{team.name}”.")
            return redirect("teams:detail", pk=team.pk)
    return _team_page(request, team, member_form=form)


@admin_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    membership = get_object_or_404(
        TeamMembership.objects.for_tenant(request.tenant).filter(team=team).select_related("user"),
        user_id=user_pk,
    )
    team_remove_member(actor=request.user, team=team, user=membership.user)
    user = membership.user
    messages.success(request, f"{user.full_name or user.email} is no longer in “{team.name}”.")
    return redirect("teams:detail", pk=team.pk)


@admin_required
@require_POST
def team_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    form = TeamCalendarForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        calendar = form.cleaned_data["calendar"]
        try:
            team_calendar_set(tenant=request.tenant, actor=request.user, team=team, calendar=calendar)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            name = calendar.name if calendar else "the default calendar"
            messages.success(
                request, f"“{team.name}” now works to {name}; its open cases are being recomputed."
            )
            return redirect("teams:detail", pk=team.pk)
    return _team_page(request, team, calendar_form=form)


@admin_required
@require_POST
def team_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_of(request, pk)
    try:
        team_delete(tenant=request.tenant, actor=request.user, team=team)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("teams:detail", pk=team.pk)
    messages.success(request, f"The team “{team.name}” is deleted.")
    return redirect("teams:list")
