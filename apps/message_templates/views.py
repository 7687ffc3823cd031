"""Staff pages of the template library: list, template, version preview, editor, diff, review.

Views parse input, look rows up *within the request's tenant* (another tenant's id is simply not
found: 404), call one service and render. Agents draft; supervisors and admins review.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.message_templates import selectors, services
from apps.message_templates.diff import content_diff
from apps.message_templates.forms import (
    ReviewForm,
    TemplateCreateForm,
    TemplateDetailsForm,
    VersionContentForm,
)
from apps.message_templates.lint import blocking_problems, sms_max_segments, template_lint
from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from apps.message_templates.rendering import CHANNEL_FIELDS, Preview, preview_content, sample_context
from apps.message_templates.triggers import (
    CHANNEL_LABELS,
    CHANNELS,
    CONTENT_FIELDS,
    FIELD_LABELS,
    format_sample,
    trigger_for_key,
)
from apps.tenants.models import Role
from apps.web.decorators import staff_required

LOCALES = dict(settings.LANGUAGES)


def _template(request: HttpRequest, pk: int) -> MessageTemplate:
    try:
        return selectors.template_get(tenant=request.tenant, pk=pk)
    except MessageTemplate.DoesNotExist:
        raise Http404("No such template.") from None


def _version(request: HttpRequest, pk: int) -> TemplateVersion:
    try:
        return selectors.version_get(tenant=request.tenant, pk=pk)
    except TemplateVersion.DoesNotExist:
        raise Http404("No such version.") from None


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _sample_overrides(request: HttpRequest) -> dict[str, str]:
    """Previews use the viewing tenant's own name and brand colour instead of the generic samples."""
    return {"company.name": request.tenant.public_name, "company.brand_colour": request.tenant.brand_colour}


def _preview(request: HttpRequest, key: str, content, locale: str, channel: str) -> Preview:
    return preview_content(
        key=key,
        content=content,
        channel=channel,
        locale=locale,
        overrides=_sample_overrides(request),
        zone_name=request.tenant.time_zone,
    )


# Variables every trigger provides; the reference panel folds them below the trigger's own.
COMMON_PREFIXES = ("customer.", "company.", "links.portal", "links.preferences", "agent.")


def _variables(request: HttpRequest, key: str, locale: str) -> dict[str, list[dict]]:
    """The trigger's variables for the reference panel, with samples as messages show them."""
    trigger = trigger_for_key(key)
    samples = sample_context(
        trigger, locale, overrides=_sample_overrides(request), zone_name=request.tenant.time_zone
    )
    specific, common = [], []
    for variable in trigger.variables:
        value = samples
        for part in variable.name.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        row = {
            "name": variable.name,
            "description": variable.description,
            "sample": format_sample(value),
            "required": [FIELD_LABELS[name] for name in CONTENT_FIELDS if name in variable.required_in],
            "items": [f"item.{item.name}" for item in variable.items],
        }
        (common if variable.name.startswith(COMMON_PREFIXES) else specific).append(row)
    specific.sort(key=lambda row: not row["required"])
    return {"specific": specific, "common": common}


def _can_review(request: HttpRequest, version: TemplateVersion) -> bool:
    return (
        version.status == VersionStatus.SUBMITTED
        and request.membership.is_supervisor
        and version.author_id != request.user.pk
    )


@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "all")
    query = request.GET.get("q", "").strip()[:100]
    replies = {"automatic": False, "replies": True}.get(kind)
    rows = selectors.template_overview(tenant=request.tenant, replies=replies, query=query)
    if kind == "review":
        rows = [row for row in rows if row.needs_review]
    awaiting = selectors.versions_awaiting_review(tenant=request.tenant).count()
    return render(
        request,
        "message_templates/list.html",
        {"rows": rows, "kind": kind, "query": query, "awaiting": awaiting, "locales": LOCALES},
    )


@staff_required
def template_create(request: HttpRequest) -> HttpResponse:
    taken = selectors.triggers_in_use(tenant=request.tenant)
    form = TemplateCreateForm(request.POST or None, taken_triggers=taken)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.message_template_create(
                tenant=request.tenant,
                actor=request.user,
                trigger=form.cleaned_data["trigger"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
            version = services.template_version_create_draft(
                tenant=request.tenant,
                actor=request.user,
                template=template,
                locale=form.cleaned_data["locale"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, f"Template “{template.name}” created. Write its first version.")
            return redirect("message_templates:edit", pk=version.pk)
    return render(request, "message_templates/create.html", {"form": form})


@staff_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    locale = request.GET.get("locale") or request.tenant.default_locale
    if locale not in LOCALES:
        locale = next(iter(LOCALES))
    versions = list(selectors.versions_of_template(tenant=request.tenant, template=template, locale=locale))
    approved = next((v for v in versions if v.status == VersionStatus.APPROVED), None)
    open_version = next((v for v in versions if v.status in selectors.OPEN_STATUSES), None)
    locale_states = selectors.template_locale_states(tenant=request.tenant, template=template)
    return render(
        request,
        "message_templates/detail.html",
        {
            "template": template,
            "trigger": trigger_for_key(template.key),
            "locale": locale,
            "locales": LOCALES,
            "locale_states": locale_states,
            "locale_name": LOCALES[locale],
            "locale_tabs": [(code, name, locale_states.get(code)) for code, name in LOCALES.items()],
            "versions": versions,
            "approved": approved,
            "approved_subject": (
                _preview(request, template.key, approved.content, locale, "email").message
                if approved
                else None
            ),
            "open_version": open_version,
            "variables": _variables(request, template.key, locale),
            "details_form": TemplateDetailsForm(
                initial={"name": template.name, "description": template.description}
            ),
        },
    )


@require_POST
@staff_required(role=Role.SUPERVISOR)
def template_details(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = TemplateDetailsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the template a name.")
        return redirect("message_templates:detail", pk=template.pk)
    try:
        services.message_template_update(
            tenant=request.tenant,
            actor=request.user,
            template=template,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, "Details saved.")
    return redirect("message_templates:detail", pk=template.pk)


@require_POST
@staff_required
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    locale = request.POST.get("locale", "")
    based_on = None
    if request.POST.get("based_on", "").isdigit():
        based_on = _version(request, int(request.POST["based_on"]))
    try:
        version = services.template_version_create_draft(
            tenant=request.tenant, actor=request.user, template=template, locale=locale, based_on=based_on
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect(f"{reverse('message_templates:detail', args=[template.pk])}?locale={locale}")
    return redirect("message_templates:edit", pk=version.pk)


def _previews(request: HttpRequest, version: TemplateVersion) -> dict:
    channel = request.GET.get("channel", "email")
    if channel not in CHANNELS:
        channel = "email"
    available = [c for c in CHANNELS if version.content.get(CHANNEL_FIELDS[c][0], "").strip()]
    preview = _preview(request, version.template.key, version.content, version.locale, channel)
    sample = trigger_for_key(version.template.key).sample_context(version.locale)
    return {
        "channel": channel,
        "channel_label": CHANNEL_LABELS[channel],
        "channels": CHANNEL_LABELS,
        "available": available,
        "preview": preview,
        "sample_name": sample.get("customer", {}).get("full_name", ""),
        "sms_limit": sms_max_segments(),
    }


@staff_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    problems = template_lint(key=version.template.key, content=version.content, locale=version.locale)
    open_version = selectors.open_version(
        tenant=request.tenant, template=version.template, locale=version.locale
    )
    context = {
        "version": version,
        "template": version.template,
        "problems": problems,
        "errors": blocking_problems(problems),
        "previous": selectors.previous_version(tenant=request.tenant, version=version),
        "open_version": open_version,
        "can_review": _can_review(request, version),
        "is_author": version.author_id == request.user.pk,
        "review_form": ReviewForm(),
        "source_fields": [(name, FIELD_LABELS[name], value) for name, value in version.content.items()],
        "locales": LOCALES,
        **_previews(request, version),
    }
    if request.htmx and request.GET.get("fragment") == "preview":
        return render(request, "message_templates/_preview.html", context)
    return render(request, "message_templates/version.html", context)


@staff_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not version.is_editable:
        status = version.get_status_display().lower()
        messages.warning(request, f"Version {version.number} is {status}; it can no longer change.")
        return redirect("message_templates:version", pk=version.pk)
    if version.author_id != request.user.pk:
        messages.warning(request, "Only the author of a draft can edit it.")
        return redirect("message_templates:version", pk=version.pk)
    form = VersionContentForm(request.POST or None, initial=version.content)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_version_update(
                tenant=request.tenant, actor=request.user, version=version, content=form.cleaned_data
            )
            if request.POST.get("action") == "submit":
                services.template_version_submit(tenant=request.tenant, actor=request.user, version=version)
                messages.success(request, f"Version {version.number} submitted for review.")
                return redirect("message_templates:version", pk=version.pk)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("message_templates:edit", pk=version.pk)
    content = form.data if form.is_bound else version.content
    problems = template_lint(key=version.template.key, content=content, locale=version.locale)
    return render(
        request,
        "message_templates/editor.html",
        {
            "version": version,
            "template": version.template,
            "form": form,
            "variables": _variables(request, version.template.key, version.locale),
            **_lint_context(request, version, content, problems),
        },
    )


def _lint_context(request: HttpRequest, version: TemplateVersion, content, problems) -> dict:
    sms = _preview(request, version.template.key, content, version.locale, "sms")
    return {
        "problems": problems,
        "errors": blocking_problems(problems),
        "sms": sms,
        "sms_limit": sms_max_segments(),
    }


@require_POST
@staff_required
def version_lint(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: lint the editor's unsaved content and count the SMS, as the author types."""
    version = _version(request, pk)
    form = VersionContentForm(request.POST)
    form.is_valid()
    content = {name: form.cleaned_data.get(name, "") or "" for name in form.fields}
    problems = template_lint(key=version.template.key, content=content, locale=version.locale)
    return render(
        request,
        "message_templates/_lint.html",
        {"version": version, **_lint_context(request, version, content, problems)},
    )


@require_POST
@staff_required
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        services.template_version_submit(tenant=request.tenant, actor=request.user, version=version)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"Version {version.number} submitted for review.")
    return redirect("message_templates:version", pk=version.pk)


@require_POST
@staff_required
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    try:
        services.template_version_discard(tenant=request.tenant, actor=request.user, version=version)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("message_templates:version", pk=version.pk)
    messages.success(request, f"Draft version {version.number} discarded.")
    return redirect(
        f"{reverse('message_templates:detail', args=[version.template_id])}?locale={version.locale}"
    )


@require_POST
@staff_required(role=Role.SUPERVISOR)
def version_review(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("message_templates:version", pk=version.pk)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    try:
        if decision == "approve":
            services.template_version_approve(
                tenant=request.tenant, actor=request.user, version=version, comment=comment
            )
            messages.success(
                request, f"Version {version.number} approved; automatic sends use it from now on."
            )
        else:
            services.template_version_reject(
                tenant=request.tenant, actor=request.user, version=version, comment=comment
            )
            messages.success(request, f"Version {version.number} rejected; the author has your comment.")
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("message_templates:version", pk=version.pk)


@staff_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    against_id = request.GET.get("against", "")
    if against_id.isdigit():
        against = _version(request, int(against_id))
        if against.template_id != version.template_id:
            raise Http404("Compare versions of the same template.")
    else:
        against = selectors.previous_version(tenant=request.tenant, version=version)
    others = [
        v
        for v in selectors.versions_of_template(tenant=request.tenant, template=version.template)
        if v.pk != version.pk
    ]
    diffs = content_diff(against.content, version.content) if against else []
    return render(
        request,
        "message_templates/diff.html",
        {
            "version": version,
            "template": version.template,
            "against": against,
            "others": others,
            "diffs": diffs,
            "changed": [d for d in diffs if d.changed],
            "unchanged": [d.label for d in diffs if not d.changed],
            "view": "unified" if request.GET.get("view") == "unified" else "split",
        },
    )


@staff_required(role=Role.SUPERVISOR)
def review_queue(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.versions_awaiting_review(tenant=request.tenant))
    return render(request, "message_templates/review_queue.html", {"versions": versions, "locales": LOCALES})
