"""Writes to the template library: one function per use case, each transactional and audited.

The workflow of a version: an author drafts (any staff member), edits while it is a draft, submits
(lint must pass), and a supervisor or admin who is not the author approves or rejects it with a
comment. Approving retires the version that was approved before for the same template and locale.
Each transition is a conditional UPDATE on the expected status, so two reviewers clicking at once
cannot both succeed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.common import clock
from apps.message_templates.lint import blocking_problems, template_lint
from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from apps.message_templates.sandbox import MAX_SOURCE_CHARS
from apps.message_templates.selectors import OPEN_STATUSES, locale_candidates
from apps.message_templates.triggers import CONTENT_FIELDS, EMAIL_SUBJECT, REPLY, REPLY_KEY_PREFIX, TRIGGERS
from apps.tenants.context import tenant_context
from apps.tenants.models import Membership, Tenant
from apps.tenants.selectors import membership_for_user

REPLY_KEY_PATTERN = re.compile(r"^reply\.[a-z0-9][a-z0-9_-]{0,80}$")
SUBJECT_MAX = TemplateVersion._meta.get_field(EMAIL_SUBJECT).max_length


def _membership(tenant: Tenant, actor: User) -> Membership:
    membership = membership_for_user(tenant=tenant, user=actor)
    if membership is None:
        raise ValidationError("You are not a member of this workspace.")
    return membership


def _require_supervisor(tenant: Tenant, actor: User, what: str) -> None:
    if not _membership(tenant, actor).is_supervisor:
        raise ValidationError(f"Only a supervisor or admin can {what}.")


def _locked_template(tenant: Tenant, template: MessageTemplate) -> MessageTemplate:
    """Lock the template row: serialises numbering and approvals of its versions."""
    return MessageTemplate.objects.for_tenant(tenant).select_for_update().get(pk=template.pk)


def _clean_content(content: Mapping[str, str]) -> dict[str, str]:
    cleaned, errors = {}, {}
    for name in CONTENT_FIELDS:
        value = str(content.get(name, "") or "").replace("\r\n", "\n")
        if len(value) > MAX_SOURCE_CHARS:
            errors[name] = f"At most {MAX_SOURCE_CHARS} characters."
        cleaned[name] = value
    cleaned[EMAIL_SUBJECT] = cleaned[EMAIL_SUBJECT].strip()
    if len(cleaned[EMAIL_SUBJECT]) > SUBJECT_MAX:
        errors[EMAIL_SUBJECT] = f"At most {SUBJECT_MAX} characters."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lint_or_refuse(version: TemplateVersion, action: str) -> None:
    errors = blocking_problems(
        template_lint(key=version.template.key, content=version.content, locale=version.locale)
    )
    if errors:
        listed = [f"{p.field_label}{f', line {p.line}' if p.line else ''}: {p.message}" for p in errors]
        raise ValidationError({"content": [f"Fix these problems before you {action}:", *listed]})


# --- templates ---------------------------------------------------------------------------------


def _unique_reply_key(tenant: Tenant, name: str) -> str:
    base = f"{REPLY_KEY_PREFIX}{slugify(name)[:60] or 'reply'}"
    taken = set(
        MessageTemplate.objects.for_tenant(tenant).filter(key__startswith=base).values_list("key", flat=True)
    )
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}-{suffix}", suffix + 1
    return key


@transaction.atomic
def message_template_create(
    *, tenant: Tenant, actor: User, trigger: str, name: str, description: str = "", key: str = ""
) -> MessageTemplate:
    """A template for a trigger that has none yet, or a new reply template (key `reply.<name>`)."""
    _membership(tenant, actor)
    if trigger not in TRIGGERS:
        raise ValidationError({"trigger": f"“{trigger}” is not a known trigger."})
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the template a name."})
    if trigger == REPLY:
        if key and not REPLY_KEY_PATTERN.match(key):
            raise ValidationError({"key": "A reply key looks like reply.request-information."})
        key = key or _unique_reply_key(tenant, name)
    else:
        key = trigger
    if MessageTemplate.objects.for_tenant(tenant).filter(key=key).exists():
        raise ValidationError({"key": f"A template with the key {key} exists already."})
    template = MessageTemplate.objects.create(
        tenant=tenant,
        key=key,
        trigger=trigger,
        name=name,
        description=description.strip(),
        is_reply=trigger == REPLY,
        created_by=actor,
    )
    audit_record(
        tenant=tenant, actor=actor, action="message_template.created", target=template, changes={"key": key}
    )
    return template


@transaction.atomic
def message_template_update(
    *, tenant: Tenant, actor: User, template: MessageTemplate, name: str, description: str
) -> MessageTemplate:
    """Rename or describe a template. Content changes go through versions."""
    _require_supervisor(tenant, actor, "change a template's details")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the template a name."})
    changed = [
        f for f, v in (("name", name), ("description", description.strip())) if getattr(template, f) != v
    ]
    MessageTemplate.objects.for_tenant(tenant).filter(pk=template.pk).update(
        name=name, description=description.strip()
    )
    template.name, template.description = name, description.strip()
    if changed:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="message_template.updated",
            target=template,
            changes={"fields": changed},
        )
    return template


# --- versions ----------------------------------------------------------------------------------


def _starting_content(tenant: Tenant, template: MessageTemplate, locale: str) -> TemplateVersion | None:
    """What a new draft starts from: this locale's approved or newest version, else another locale's."""
    versions = TemplateVersion.objects.for_tenant(tenant).filter(template=template)
    same_locale = versions.filter(locale=locale)
    found = (
        same_locale.filter(status=VersionStatus.APPROVED).first() or same_locale.order_by("-number").first()
    )
    if found:
        return found
    for candidate in locale_candidates(tenant=tenant, locale=locale):
        found = versions.filter(locale=candidate, status=VersionStatus.APPROVED).first()
        if found:
            return found
    return None


@transaction.atomic
def template_version_create_draft(
    *,
    tenant: Tenant,
    actor: User,
    template: MessageTemplate,
    locale: str,
    based_on: TemplateVersion | None = None,
) -> TemplateVersion:
    """Start a new draft in `locale`, copying `based_on` (default: the current version)."""
    _membership(tenant, actor)
    if locale not in dict(TemplateVersion._meta.get_field("locale").choices):
        raise ValidationError({"locale": f"“{locale}” is not a supported language."})
    if based_on is not None and (based_on.template_id != template.pk or based_on.tenant_id != tenant.pk):
        raise ValidationError({"based_on": "That version belongs to another template."})
    template = _locked_template(tenant, template)
    open_version = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template=template, locale=locale, status__in=OPEN_STATUSES)
        .first()
    )
    if open_version is not None:
        raise ValidationError(
            f"Version {open_version.number} ({locale}) is already "
            f"{open_version.get_status_display().lower()}; finish or discard it first."
        )
    source = based_on or _starting_content(tenant, template, locale)
    last = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template=template, locale=locale)
        .aggregate(last=Max("number"))["last"]
    )
    version = TemplateVersion.objects.create(
        tenant=tenant,
        template=template,
        locale=locale,
        number=(last or 0) + 1,
        status=VersionStatus.DRAFT,
        based_on=source,
        author=actor,
        **(source.content if source else {}),
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="template_version.drafted",
        target=version,
        changes={"template": template.key, "locale": locale, "number": version.number},
        metadata={"based_on": source.pk if source else None},
    )
    return version


@transaction.atomic
def template_version_update(
    *, tenant: Tenant, actor: User, version: TemplateVersion, content: Mapping[str, str]
) -> TemplateVersion:
    """Save new content into a draft. Only its author may, and only while it is a draft."""
    if version.author_id != actor.pk:
        raise ValidationError("Only the author of a draft can edit it; start your own version instead.")
    cleaned = _clean_content(content)
    changed = [name for name in CONTENT_FIELDS if getattr(version, name) != cleaned[name]]
    updated = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(pk=version.pk, status=VersionStatus.DRAFT)
        .update(**cleaned, updated_at=clock.now())
    )
    if not updated:
        raise ValidationError("This version is no longer a draft; its content cannot change.")
    for name, value in cleaned.items():
        setattr(version, name, value)
    if changed:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="template_version.edited",
            target=version,
            changes={"fields": changed},
        )
    return version


@transaction.atomic
def template_version_submit(*, tenant: Tenant, actor: User, version: TemplateVersion) -> TemplateVersion:
    """Draft → submitted. Refused while lint reports errors; from here the content is frozen."""
    if version.author_id != actor.pk:
        raise ValidationError("Only the author can submit a draft.")
    version.refresh_from_db()
    _lint_or_refuse(version, "submit")
    now = clock.now()
    updated = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(pk=version.pk, status=VersionStatus.DRAFT)
        .update(status=VersionStatus.SUBMITTED, submitted_at=now, updated_at=now)
    )
    if not updated:
        raise ValidationError("Only a draft can be submitted.")
    version.status, version.submitted_at = VersionStatus.SUBMITTED, now
    audit_record(
        tenant=tenant,
        actor=actor,
        action="template_version.submitted",
        target=version,
        changes={"status": [VersionStatus.DRAFT, VersionStatus.SUBMITTED]},
    )
    return version


def _check_reviewer(tenant: Tenant, actor: User, version: TemplateVersion, verb: str) -> None:
    _require_supervisor(tenant, actor, f"{verb} templates")
    if version.author_id == actor.pk:
        raise ValidationError(f"You wrote this version, so someone else must {verb} it.")


@transaction.atomic
def template_version_approve(
    *, tenant: Tenant, actor: User, version: TemplateVersion, comment: str = ""
) -> TemplateVersion:
    """Submitted → approved, retiring the version approved before it for this template and locale."""
    _check_reviewer(tenant, actor, version, "approve")
    _locked_template(tenant, version.template)
    version.refresh_from_db()
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError(
            f"Only a version awaiting review can be approved (this one is {version.status})."
        )
    _lint_or_refuse(version, "approve")
    now = clock.now()
    previous = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template_id=version.template_id, locale=version.locale, status=VersionStatus.APPROVED)
        .first()
    )
    if previous is not None:
        TemplateVersion.objects.for_tenant(tenant).filter(
            pk=previous.pk, status=VersionStatus.APPROVED
        ).update(status=VersionStatus.RETIRED, retired_at=now, updated_at=now)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="template_version.retired",
            target=previous,
            changes={"status": [VersionStatus.APPROVED, VersionStatus.RETIRED]},
            metadata={"replaced_by": version.pk},
        )
    TemplateVersion.objects.for_tenant(tenant).filter(pk=version.pk, status=VersionStatus.SUBMITTED).update(
        status=VersionStatus.APPROVED,
        reviewed_by=actor,
        reviewed_at=now,
        review_comment=comment.strip(),
        approved_at=now,
        updated_at=now,
    )
    version.refresh_from_db()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="template_version.approved",
        target=version,
        changes={"status": [VersionStatus.SUBMITTED, VersionStatus.APPROVED]},
        metadata={"retired": previous.pk if previous else None},
    )
    return version


@transaction.atomic
def template_version_reject(
    *, tenant: Tenant, actor: User, version: TemplateVersion, comment: str
) -> TemplateVersion:
    """Submitted → rejected, with a comment telling the author what to change."""
    _check_reviewer(tenant, actor, version, "reject")
    if not comment.strip():
        raise ValidationError({"comment": "Say what needs to change, so the author can fix it."})
    now = clock.now()
    updated = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(pk=version.pk, status=VersionStatus.SUBMITTED)
        .update(
            status=VersionStatus.REJECTED,
            reviewed_by=actor,
            reviewed_at=now,
            review_comment=comment.strip(),
            updated_at=now,
        )
    )
    if not updated:
        raise ValidationError("Only a version awaiting review can be rejected.")
    version.refresh_from_db()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="template_version.rejected",
        target=version,
        changes={"status": [VersionStatus.SUBMITTED, VersionStatus.REJECTED]},
    )
    return version


@transaction.atomic
def template_version_discard(*, tenant: Tenant, actor: User, version: TemplateVersion) -> None:
    """Throw away a draft (its author, or a supervisor clearing the way for a new version)."""
    if version.author_id != actor.pk:
        _require_supervisor(tenant, actor, "discard someone else's draft")
    deleted, _ = (
        TemplateVersion.objects.for_tenant(tenant).filter(pk=version.pk, status=VersionStatus.DRAFT).delete()
    )
    if not deleted:
        raise ValidationError("Only a draft can be discarded; submitted versions are kept for the record.")
    audit_record(
        tenant=tenant,
        actor=actor,
        action="template_version.discarded",
        target=("message_templates.templateversion", version.pk),
        changes={"template": version.template.key, "locale": version.locale, "number": version.number},
    )


# --- defaults ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstallReport:
    templates_created: int
    versions_created: int


def template_install_defaults(*, tenant: Tenant) -> InstallReport:
    """Install Tidings' approved default templates (every trigger, English and German).

    Idempotent: a template key the tenant already has is kept, and a locale that already has any
    version of that template is left alone, so re-running never overwrites a tenant's own wording.
    The versions are approved by the system (no author, no reviewer).
    """
    from apps.message_templates.defaults import DEFAULT_TEMPLATES  # the texts are large; load on use

    templates_created = versions_created = 0
    with tenant_context(tenant):
        now = clock.now()
        existing = {t.key: t for t in MessageTemplate.objects.for_tenant(tenant)}
        have = set(TemplateVersion.objects.for_tenant(tenant).values_list("template_id", "locale").distinct())
        for default in DEFAULT_TEMPLATES:
            template = existing.get(default.key)
            if template is None:
                # get_or_create: a concurrent installer may have created it since `existing` was read.
                template, created = MessageTemplate.objects.for_tenant(tenant).get_or_create(
                    tenant=tenant,
                    key=default.key,
                    defaults={
                        "trigger": default.trigger,
                        "name": default.name,
                        "description": default.description,
                        "is_reply": default.trigger == REPLY,
                    },
                )
                templates_created += created
            for locale, content in default.versions.items():
                if (template.pk, locale) in have:
                    continue
                try:
                    with transaction.atomic():
                        TemplateVersion.objects.create(
                            tenant=tenant,
                            template=template,
                            locale=locale,
                            number=1,
                            status=VersionStatus.APPROVED,
                            submitted_at=now,
                            reviewed_at=now,
                            approved_at=now,
                            review_comment="Installed by Tidings as a default.",
                            **content,
                        )
                except IntegrityError:
                    continue  # installed concurrently by another process
                versions_created += 1
        if templates_created or versions_created:
            audit_record(
                tenant=tenant,
                actor=None,
                action="message_template.defaults_installed",
                target=tenant,
                changes={"templates": templates_created, "versions": versions_created},
            )
    return InstallReport(templates_created, versions_created)
