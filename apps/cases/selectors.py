"""Reads about cases, shared by the workspace, the API, the portal, notifications and SLA.

Who sees which case is decided in one place, `cases_visible_to`; every other staff-facing read
starts from it, so a case an agent may not see answers "not found" everywhere alike.
"""

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Subquery

from apps.accounts.models import User
from apps.cases.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    EntryKind,
    Team,
    TeamMembership,
    TimelineEntry,
    Visibility,
)
from apps.customers.models import Customer
from apps.tenants.models import Membership, Role, Tenant


class TenantWide:
    """The principal of a tenant-level caller (an API key, a platform job): sees every case."""

    def __repr__(self) -> str:
        return "TENANT_WIDE"


TENANT_WIDE = TenantWide()

MESSAGE_KINDS = (EntryKind.MESSAGE_IN, EntryKind.MESSAGE_OUT, EntryKind.CUSTOMER_UPDATE)


def team_ids_of(*, tenant: Tenant | int, user: User | int) -> Subquery:
    """Subquery of the ids of the user's teams, to be used inside another query."""
    user_id = user if isinstance(user, int) else user.pk
    return Subquery(TeamMembership.objects.for_tenant(tenant).filter(user_id=user_id).values("team_id"))


def cases_visible_to(*, tenant: Tenant, membership: Membership | TenantWide) -> QuerySet[Case]:
    """The cases `membership` may see in `tenant` (the visibility rule, docs/cases.md):

    - supervisors and admins: every case of the tenant;
    - agents: cases of the teams they belong to, cases nobody is assigned to (the shared pool, any
      team), and cases assigned to them;
    - an inactive membership, or one of another tenant: none;
    - `TENANT_WIDE` (API keys, platform jobs): every case of the tenant.

    One query condition, no extra round trip: the agent's teams are a subquery.
    """
    cases = Case.objects.for_tenant(tenant)
    if isinstance(membership, TenantWide):
        return cases
    if not membership.is_active or membership.tenant_id != tenant.pk:
        return cases.none()
    if membership.role in (Role.SUPERVISOR, Role.ADMIN):
        return cases
    user_id = membership.user_id
    return cases.filter(
        Q(team_id__in=team_ids_of(tenant=tenant, user=user_id))
        | Q(assignee__isnull=True)
        | Q(assignee_id=user_id)
    )


def case_by_reference(*, tenant: Tenant, membership: Membership | TenantWide, reference: str) -> Case | None:
    """The visible case with this reference (any letter case), with everything its page header
    shows: customer (with contact points and consents), assignee, team, order. 3 queries."""
    return (
        cases_visible_to(tenant=tenant, membership=membership)
        .filter(reference=(reference or "").strip().upper())
        .select_related("customer", "assignee", "team", "order")
        .prefetch_related("customer__contact_points", "customer__consents")
        .first()
    )


def case_by_id(*, tenant: Tenant, membership: Membership | TenantWide, case_id: int) -> Case | None:
    return (
        cases_visible_to(tenant=tenant, membership=membership)
        .filter(pk=case_id)
        .select_related("customer", "assignee", "team", "order")
        .first()
    )


def case_timeline(*, case: Case, include_internal: bool = True) -> list[TimelineEntry]:
    """The case's timeline in order, with authors and attachments: 2 queries however long it is.

    `include_internal=False` is the customer's view (portal, exports to the customer): internal
    notes and internal system entries are left out.
    """
    entries = (
        TimelineEntry.objects.for_tenant(case.tenant_id)
        .filter(case_id=case.pk)
        .select_related("author_user", "author_customer", "author_api_key")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.for_tenant(case.tenant_id).order_by("id"))
        )
        .order_by("seq")
    )
    if not include_internal:
        entries = entries.filter(visibility=Visibility.CUSTOMER)
    return list(entries)


def cases_of_customer(
    *, tenant: Tenant, membership: Membership | TenantWide, customer: Customer
) -> QuerySet[Case]:
    """The customer's cases the viewer may see, newest first."""
    return (
        cases_visible_to(tenant=tenant, membership=membership)
        .filter(customer_id=customer.pk)
        .select_related("assignee", "team")
        .defer("description")
        .order_by("-created_at", "-id")
    )


def customer_communications(
    *, tenant: Tenant, membership: Membership | TenantWide, customer: Customer, limit: int = 200
) -> list[TimelineEntry]:
    """Every message to and from the customer across the cases the viewer may see, newest first."""
    visible = cases_visible_to(tenant=tenant, membership=membership).filter(customer_id=customer.pk)
    return list(
        TimelineEntry.objects.for_tenant(tenant)
        .filter(case__in=visible.values("id"), kind__in=MESSAGE_KINDS)
        .select_related("case", "author_user", "author_customer", "author_api_key")
        .defer("case__description")
        .order_by("-created_at", "-id")[:limit]
    )


def attachment_for_download(
    *, tenant: Tenant, membership: Membership | TenantWide, attachment_id: int
) -> Attachment | None:
    """An attachment of a case the viewer may see, or None."""
    visible = cases_visible_to(tenant=tenant, membership=membership)
    return (
        Attachment.objects.for_tenant(tenant)
        .filter(pk=attachment_id, entry__case__in=visible.values("id"))
        .select_related("entry")
        .first()
    )


def team_list(*, tenant: Tenant) -> QuerySet[Team]:
    return Team.objects.for_tenant(tenant).order_by("name")


def teams_with_members(*, tenant: Tenant) -> QuerySet[Team]:
    """The tenant's teams by name, each with `open_case_count` and its memberships (with the user,
    by name) prefetched: the Settings → Teams page. 2 queries."""
    members = TeamMembership.objects.for_tenant(tenant).select_related("user").order_by("user__full_name")
    return (
        team_list(tenant=tenant)
        .annotate(open_case_count=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES)))
        .prefetch_related(Prefetch("memberships", queryset=members))
    )


def staff_roles(*, tenant: Tenant) -> dict[int, str]:
    """The role of each active member of the tenant, by user id."""
    return dict(Membership.objects.for_tenant(tenant).filter(is_active=True).values_list("user_id", "role"))


def assignable_users(*, tenant: Tenant) -> QuerySet[User]:
    """Active staff of the tenant, by name: who a case can be assigned to."""
    members = Membership.objects.for_tenant(tenant).filter(is_active=True).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name", "email")


# --- the customer's own view (portal) -------------------------------------------------------------
# A customer sees exactly their own cases, and of each only the customer-visible timeline.

CUSTOMER_SEES = Q(visibility=Visibility.CUSTOMER)


def customer_cases(*, customer: Customer) -> QuerySet[Case]:
    """The customer's cases, most recently active first, each annotated with `last_update`: when
    the customer last saw something change (a visible entry or a status change)."""
    seen = Q(timeline__visibility=Visibility.CUSTOMER) | Q(timeline__kind=EntryKind.STATUS_CHANGE)
    return (
        Case.objects.for_tenant(customer.tenant_id)
        .filter(customer_id=customer.pk)
        .annotate(last_update=Max("timeline__created_at", filter=seen))
        .defer("description")
        .order_by("-last_activity_at", "-id")
    )


def customer_case_by_reference(*, customer: Customer, reference: str) -> Case | None:
    """The customer's own case with this reference (any letter case), else None."""
    return (
        Case.objects.for_tenant(customer.tenant_id)
        .filter(customer_id=customer.pk, reference=(reference or "").strip().upper())
        .select_related("tenant", "customer", "order")
        .first()
    )


def customer_attachment(*, case: Case, attachment_id: int) -> Attachment | None:
    """An attachment of a customer-visible entry of `case` (never one of an internal note)."""
    return (
        Attachment.objects.for_tenant(case.tenant_id)
        .filter(pk=attachment_id, entry__case_id=case.pk, entry__visibility=Visibility.CUSTOMER)
        .first()
    )
