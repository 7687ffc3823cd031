"""Tenant settings for admins: general (branding, defaults), members, API keys.

Every page needs the admin role; anyone else gets 404 (see `staff_required`). Objects are looked up
within the host's tenant only, so another tenant's member or key is a 404 too.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.tenants.models import Role
from apps.tenants.selectors import api_keys_of_tenant, memberships_of_tenant
from apps.tenants.services import (
    api_key_create,
    api_key_revoke,
    member_invite,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
    tenant_update_settings,
)
from apps.web import navigation
from apps.web.decorators import staff_required
from apps.web.forms import ApiKeyCreateForm, MemberInviteForm, MemberRoleForm, TenantSettingsForm

admin_required = staff_required(role=Role.ADMIN)


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    tabs = navigation.links_for(navigation.SETTINGS_TABS, membership=request.membership, path=request.path)
    return render(request, template, {"settings_tabs": tabs, **context}, status=status)


def _add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _flash_service_error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@admin_required
@require_http_methods(["GET", "POST"])
def general(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    form = TenantSettingsForm(
        request.POST or None, request.FILES or None, initial=TenantSettingsForm.initial_for(tenant)
    )
    form.fields["display_name"].widget.attrs["placeholder"] = tenant.name
    if request.method == "POST" and form.is_valid():
        try:
            tenant_update_settings(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("web:settings")
    status = 400 if form.is_bound else 200
    return _render(request, "web/settings/general.html", {"form": form}, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = member_invite(
                tenant=tenant,
                actor=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.full_name or membership.user.email} is now a member "
                f"({membership.get_role_display()}). We emailed them how to sign in.",
            )
            return redirect("web:settings_members")
    context = {
        "form": form,
        "memberships": memberships_of_tenant(tenant=tenant),
        "role_choices": MemberRoleForm.base_fields["role"].choices,
    }
    return _render(request, "web/settings/members.html", context, status=400 if form.is_bound else 200)


@admin_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(memberships_of_tenant(tenant=request.tenant), pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("web:settings_members")
    try:
        membership_change_role(
            tenant=request.tenant, actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        _flash_service_error(request, error)
    else:
        messages.success(
            request, f"{membership.user.full_name} is now {membership.get_role_display().lower()}."
        )
    return redirect("web:settings_members")


@admin_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(memberships_of_tenant(tenant=request.tenant), pk=pk)
    try:
        membership_deactivate(tenant=request.tenant, actor=request.user, membership=membership)
    except ValidationError as error:
        _flash_service_error(request, error)
    else:
        messages.success(request, f"{membership.user.full_name} can no longer sign in here.")
    return redirect("web:settings_members")


@admin_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(memberships_of_tenant(tenant=request.tenant), pk=pk)
    membership_reactivate(tenant=request.tenant, actor=request.user, membership=membership)
    messages.success(request, f"{membership.user.full_name} can sign in here again.")
    return redirect("web:settings_members")


@admin_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """List and create keys. A new key is shown in the response to the POST, once, and never stored."""
    tenant = request.tenant
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            api_key, full_key = api_key_create(tenant=tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return _render(
                request, "web/settings/api_key_created.html", {"api_key": api_key, "full_key": full_key}
            )
    context = {"form": form, "api_keys": api_keys_of_tenant(tenant=tenant)}
    return _render(request, "web/settings/api_keys.html", context, status=400 if form.is_bound else 200)


@admin_required
@require_POST
def revoke_api_key(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = get_object_or_404(api_keys_of_tenant(tenant=request.tenant), pk=pk)
    api_key_revoke(tenant=request.tenant, actor=request.user, api_key=api_key)
    messages.success(
        request, f"The key “{api_key.name}” is revoked; requests with it are refused from now on."
    )
    return redirect("web:settings_api_keys")
