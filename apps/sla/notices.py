"""In-app notices for staff (the bell in the top bar) and their email copies.

The SLA engine tells people about warnings, breaches, escalations, due updates and reopened cases by
a `StaffNotice` row each (in the transaction of the action), and, when the tenant keeps
`warn_by_email` on, an email sent after commit by a Celery task (`apps.sla.tasks`): staff mail is
internal, so it goes through Django's mailer rather than the customer notification pipeline.
"""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.cases.models import Case, TeamMembership
from apps.common.clock import now
from apps.sla.held import held
from apps.sla.models import StaffNotice
from apps.sla.tenant_settings import sla_settings_for
from apps.tenants.models import Membership, Role, Tenant

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def _active_user_ids(tenant: Tenant, user_ids: Iterable[int]) -> list[int]:
    wanted = frozenset(user_id for user_id in user_ids if user_id)
    if not wanted:
        return []
    active = Membership.objects.for_tenant(tenant).filter(
        user_id__in=wanted, is_active=True, user__is_active=True
    )
    return held(tenant, ("active", wanted), lambda: sorted(active.values_list("user_id", flat=True)))


def supervisors_of(*, case: Case) -> list[int]:
    """Supervisors and admins in the case's team; every supervisor of the tenant when it has none."""
    members = Membership.objects.for_tenant(case.tenant_id).filter(
        is_active=True, user__is_active=True, role__in=SUPERVISING_ROLES
    )
    if case.team_id is not None:
        in_team = members.filter(
            user_id__in=TeamMembership.objects.for_tenant(case.tenant_id)
            .filter(team_id=case.team_id)
            .values("user_id")
        )
        found = sorted(in_team.values_list("user_id", flat=True))
        if found:
            return found
    return sorted(members.filter(role=Role.SUPERVISOR).values_list("user_id", flat=True)) or sorted(
        members.values_list("user_id", flat=True)
    )


def owners_of(*, case: Case) -> list[int]:
    """Who answers for the case now: its assignee, else the supervisors of its team."""
    if case.assignee_id and _active_user_ids(case.tenant, [case.assignee_id]):
        return [case.assignee_id]
    return supervisors_of(case=case)


def staff_notify(
    *, tenant: Tenant, user_ids: Iterable[int], case: Case | None, kind: str, text: str
) -> list[StaffNotice]:
    """One notice per active member in `user_ids`, and their emails after commit."""
    moment = now()
    notices = StaffNotice.objects.bulk_create(
        StaffNotice(tenant=tenant, user_id=user_id, case=case, kind=kind, text=text[:500], created_at=moment)
        for user_id in _active_user_ids(tenant, user_ids)
    )
    if notices and sla_settings_for(tenant).warn_by_email:
        from apps.sla.tasks import send_staff_notice_email

        for notice in notices:
            transaction.on_commit(
                partial(send_staff_notice_email.delay, tenant_id=tenant.pk, notice_id=notice.pk)
            )
    return notices


def staff_notices_for(*, tenant: Tenant, user: User) -> QuerySet[StaffNotice]:
    return (
        StaffNotice.objects.for_tenant(tenant)
        .filter(user=user)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def unread_notice_count(*, tenant: Tenant, user: User) -> int:
    return StaffNotice.objects.for_tenant(tenant).filter(user=user, read_at__isnull=True).count()


def staff_notice_read(*, tenant: Tenant, user: User, notice_id: int | None = None) -> int:
    """Mark one of the user's notices (or, with no id, all of them) read; returns how many changed."""
    notices = StaffNotice.objects.for_tenant(tenant).filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        notices = notices.filter(pk=notice_id)
    # Not audited: reading one's own notices changes nothing anyone else relies on.
    return notices.update(read_at=now())
