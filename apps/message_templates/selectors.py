"""Reads of templates and versions, shared by the staff UI, the API and the senders."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from apps.message_templates.triggers import TRIGGERS, Trigger, trigger_for_key
from apps.tenants.models import Tenant

FALLBACK_LOCALE = "en"
OPEN_STATUSES = (VersionStatus.DRAFT, VersionStatus.SUBMITTED)


def locale_candidates(*, tenant: Tenant, locale: str) -> list[str]:
    """The locales to try, in order: as asked, its language without region, the tenant's default, en."""
    wanted = (locale or "").strip().lower().replace("_", "-")
    candidates = [wanted, wanted.split("-")[0], tenant.default_locale.lower(), FALLBACK_LOCALE]
    return list(dict.fromkeys(c for c in candidates if c))


def approved_version(*, tenant: Tenant, key: str, locale: str) -> TemplateVersion | None:
    """The approved version automatic sends use for template `key`, in the best available locale.

    Falls back from `locale` (e.g. "de-AT") to its language ("de"), then to the tenant's default
    locale, then to English. None when the template has no approved version in any of them.
    """
    candidates = locale_candidates(tenant=tenant, locale=locale)
    versions = {
        version.locale: version
        for version in TemplateVersion.objects.for_tenant(tenant)
        .filter(template__key=key, status=VersionStatus.APPROVED, locale__in=candidates)
        .select_related("template", "tenant")
    }
    for candidate in candidates:
        if candidate in versions:
            return versions[candidate]
    return None


def template_get(*, tenant: Tenant, pk: int) -> MessageTemplate:
    """Raises MessageTemplate.DoesNotExist for an unknown id and for another tenant's template alike."""
    return MessageTemplate.objects.for_tenant(tenant).get(pk=pk)


def version_get(*, tenant: Tenant, pk: int) -> TemplateVersion:
    return (
        TemplateVersion.objects.for_tenant(tenant)
        .select_related("template", "author", "reviewed_by", "based_on", "tenant")
        .get(pk=pk)
    )


def versions_of_template(*, tenant: Tenant, template: MessageTemplate, locale: str | None = None) -> QuerySet:
    versions = TemplateVersion.objects.for_tenant(tenant).filter(template=template)
    if locale:
        versions = versions.filter(locale=locale)
    return versions.select_related("author", "reviewed_by").order_by("locale", "-number")


def versions_awaiting_review(*, tenant: Tenant) -> QuerySet:
    return (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(status=VersionStatus.SUBMITTED)
        .select_related("template", "author")
        .order_by("submitted_at", "id")
    )


def current_version(*, tenant: Tenant, template: MessageTemplate, locale: str) -> TemplateVersion | None:
    """The approved version in `locale`, else the newest version of any status there."""
    versions = TemplateVersion.objects.for_tenant(tenant).filter(template=template, locale=locale)
    return versions.filter(status=VersionStatus.APPROVED).first() or versions.order_by("-number").first()


def open_version(*, tenant: Tenant, template: MessageTemplate, locale: str) -> TemplateVersion | None:
    """The draft or submitted version of `template` in `locale`, if one is in the works."""
    return (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template=template, locale=locale, status__in=OPEN_STATUSES)
        .select_related("author")
        .first()
    )


def previous_version(*, tenant: Tenant, version: TemplateVersion) -> TemplateVersion | None:
    """What a version is best compared with: the one it was based on, else the one before it."""
    if version.based_on_id:
        based_on = TemplateVersion.objects.for_tenant(tenant).filter(pk=version.based_on_id).first()
        if based_on is not None:
            return based_on
    return (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template_id=version.template_id, locale=version.locale, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclass
class LocaleState:
    locale: str
    approved: TemplateVersion | None = None
    open: TemplateVersion | None = None


@dataclass
class TemplateRow:
    template: MessageTemplate
    locales: list[LocaleState] = field(default_factory=list)

    @property
    def trigger(self) -> Trigger:
        return trigger_for_key(self.template.key)

    @property
    def needs_review(self) -> bool:
        return any(state.open and state.open.status == VersionStatus.SUBMITTED for state in self.locales)

    @property
    def missing_approved(self) -> bool:
        return any(state.approved is None for state in self.locales)


def _locale_states(tenant: Tenant, templates: list[MessageTemplate]) -> dict[int, dict[str, LocaleState]]:
    """Per template and configured locale: the approved version and the one in the works (one query)."""
    locales = [code for code, _name in settings.LANGUAGES]
    states: dict[int, dict[str, LocaleState]] = {
        t.pk: {code: LocaleState(code) for code in locales} for t in templates
    }
    versions = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template__in=[t.pk for t in templates], status__in=[VersionStatus.APPROVED, *OPEN_STATUSES])
        .only("id", "template_id", "locale", "number", "status", "author_id", "submitted_at", "approved_at")
    )
    for version in versions:
        state = states[version.template_id].setdefault(version.locale, LocaleState(version.locale))
        if version.status == VersionStatus.APPROVED:
            state.approved = version
        else:
            state.open = version
    return states


def template_overview(*, tenant: Tenant, replies: bool | None = None, query: str = "") -> list[TemplateRow]:
    """Every template with its approved and in-the-works version per configured locale (two queries)."""
    templates = MessageTemplate.objects.for_tenant(tenant)
    if replies is not None:
        templates = templates.filter(is_reply=replies)
    if query:
        templates = templates.filter(Q(name__icontains=query) | Q(key__icontains=query))
    order = {key: index for index, key in enumerate(TRIGGERS)}
    templates = sorted(templates, key=lambda t: (t.is_reply, order.get(t.trigger, 0), t.name.lower()))
    states = _locale_states(tenant, templates)
    return [TemplateRow(t, list(states[t.pk].values())) for t in templates]


def template_locale_states(*, tenant: Tenant, template: MessageTemplate) -> dict[str, LocaleState]:
    return _locale_states(tenant, [template])[template.pk]


def triggers_in_use(*, tenant: Tenant) -> set[str]:
    """Triggers that already have their template (each trigger has at most one)."""
    return set(
        MessageTemplate.objects.for_tenant(tenant).filter(is_reply=False).values_list("trigger", flat=True)
    )


def reply_templates(*, tenant: Tenant, locale: str) -> list[TemplateVersion]:
    """Approved reply templates for an agent to pick, one per template, in the best locale available."""
    candidates = locale_candidates(tenant=tenant, locale=locale)
    best: dict[int, TemplateVersion] = {}
    versions = (
        TemplateVersion.objects.for_tenant(tenant)
        .filter(template__is_reply=True, status=VersionStatus.APPROVED, locale__in=candidates)
        .select_related("template")
    )
    for version in versions:
        chosen = best.get(version.template_id)
        if chosen is None or candidates.index(version.locale) < candidates.index(chosen.locale):
            best[version.template_id] = version
    return sorted(best.values(), key=lambda v: v.template.name)


def templates_for_api(*, tenant: Tenant, all_versions: bool = False) -> QuerySet:
    """Templates with their versions prefetched as `listed_versions`: approved ones only, or all."""
    versions = TemplateVersion.objects.for_tenant(tenant).order_by("locale", "-number")
    if not all_versions:
        versions = versions.filter(status=VersionStatus.APPROVED)
    return (
        MessageTemplate.objects.for_tenant(tenant)
        .prefetch_related(Prefetch("versions", queryset=versions, to_attr="listed_versions"))
        .order_by("-created_at", "-id")
    )
