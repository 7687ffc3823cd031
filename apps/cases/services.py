"""Writes about cases: one function per use case.

Each is keyword-only and runs in one transaction that (1) locks the case row and checks the
caller's `expected_version` (optimistic locking: a stale version raises `ConflictError`), (2)
changes the case and raises its `version`, (3) appends its timeline entry, (4) records an audit
event, and (5) where others react (notifications, SLA timers) publishes one domain event.

Services trust that the caller may see the case (views fetch it through `cases_visible_to`, the API
through its principal); they check everything about the change itself.
"""

import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.cases.attachments import attachments_check, attachments_store
from apps.cases.exceptions import ConflictError, IllegalTransition
from apps.cases.models import (
    OPEN_STATUSES,
    AuthorKind,
    Case,
    CaseKind,
    CaseStatus,
    Direction,
    EntryKind,
    MessageChannel,
    Priority,
    SourceChannel,
    Team,
    TeamMembership,
    TimelineEntry,
    Visibility,
)
from apps.cases.search import case_search_refresh
from apps.cases.transitions import transition_error
from apps.common.actors import Actor, actor_reference
from apps.common.changes import apply_changes
from apps.common.clock import now
from apps.common.domain_events import DomainEvent, domain_event_publish
from apps.common.tags import normalize_tags
from apps.customers.models import Channel, Customer, Order
from apps.customers.selectors import customer_reachable_channels
from apps.customers.services import customer_create
from apps.tenants.models import Membership, Tenant

FIRST_CASE_NUMBER = 1001

# Outbound channels a reply can take. The first four are sent by the notification pipeline (the
# entry waits as `pending_delivery`); `phone` records a call the agent made, already delivered.
SENT_CHANNELS = (MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.VOICE, MessageChannel.PORTAL)
REPLY_CHANNELS = (*SENT_CHANNELS, MessageChannel.PHONE)
INBOUND_CHANNELS = (
    MessageChannel.EMAIL,
    MessageChannel.SMS,
    MessageChannel.PHONE,
    MessageChannel.PORTAL,
    MessageChannel.CHAT,
    MessageChannel.API,
)
CASE_DETAIL_FIELDS = frozenset({"subject", "description", "kind"})


# --- building blocks ------------------------------------------------------------------------------


def case_number_allocate(*, tenant: Tenant) -> int:
    """The next case number of the tenant, from its counter row, in one statement.

    The upsert takes the counter row's lock until the calling transaction ends, so concurrent
    openers queue behind each other: numbers are unique and, as a rolled-back transaction rolls
    its increment back too, gapless.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casecounter (tenant_id, last_number) VALUES (%s, %s) "
            "ON CONFLICT (tenant_id) DO UPDATE SET last_number = cases_casecounter.last_number + 1 "
            "RETURNING last_number",
            [tenant.pk, FIRST_CASE_NUMBER],
        )
        return cursor.fetchone()[0]


def case_reference(*, tenant: Tenant, number: int) -> str:
    return f"{tenant.slug.upper()}-{number}"


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case row, locked for this transaction; ConflictError if it is not at `expected_version`."""
    locked = (
        Case.objects.for_tenant(case.tenant_id)
        .select_for_update(of=("self",))
        .select_related("tenant", "customer")
        .get(pk=case.pk)
    )
    if Case.tenant.is_cached(case):
        locked.tenant = case.tenant  # the caller's instance: what it has read once (settings) stays read
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            reference=locked.reference, expected_version=expected_version, current_version=locked.version
        )
    return locked


def _author(actor: Actor) -> dict[str, Any]:
    kind, _ = actor_reference(actor)
    if kind == "user":
        return {"author_kind": AuthorKind.AGENT, "author_user": actor}
    if kind == "customer":
        return {"author_kind": AuthorKind.CUSTOMER, "author_customer": actor}
    if kind == "api_key":
        return {"author_kind": AuthorKind.API, "author_api_key": actor}
    return {"author_kind": AuthorKind.SYSTEM}


def _append(case: Case, *, actor: Actor, kind: str, body: str = "", **fields: Any) -> TimelineEntry:
    """Add the next entry to the (locked) case's timeline; the caller saves the case."""
    case.timeline_seq += 1
    moment = now()
    case.last_activity_at = moment
    return TimelineEntry.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        seq=case.timeline_seq,
        kind=kind,
        body=body,
        created_at=moment,
        **_author(actor),
        **fields,
    )


def _save(case: Case, *fields: str) -> None:
    """Persist the changed fields with the bookkeeping every change carries."""
    case.version += 1
    case.updated_at = now()
    case.save(update_fields=[*fields, "version", "updated_at", "timeline_seq", "last_activity_at"])


def _publish(case: Case, name: str, **data: Any) -> DomainEvent:
    return domain_event_publish(
        DomainEvent(
            name=name,
            tenant_id=case.tenant_id,
            customer_id=case.customer_id,
            order_id=case.order_id,
            case_id=case.pk,
            data=data,
        )
    )


def _audit(case: Case, *, actor: Actor, action: str, changes: dict | None = None, **metadata: Any) -> None:
    audit_record(
        tenant=case.tenant,
        actor=actor,
        action=action,
        target=case,
        changes=changes,
        metadata={"reference": case.reference, **metadata},
    )


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _check_member(tenant_id: int, user: User) -> None:
    if not Membership.objects.for_tenant(tenant_id).filter(user=user, is_active=True).exists():
        raise ValidationError({"assignee": "This person is not an active member of the workspace."})


def _check_order(customer: Customer, order: Order) -> None:
    if order.tenant_id != customer.tenant_id or order.customer_id != customer.pk:
        raise ValidationError({"order": "This order belongs to another customer."})


def _customer_channel(customer: Customer) -> str:
    """The channel a message to the customer goes by: their first preferred channel that they
    consented to and have an address for; the portal inbox when there is none."""
    reachable = customer_reachable_channels(customer=customer)
    return reachable[0] if reachable else Channel.PORTAL


def _refuse_unreachable(customer: Customer, channel: str) -> None:
    if channel == Channel.PORTAL:
        return  # the customer's own inbox: no address or consent involved
    if channel in SENT_CHANNELS and channel not in customer_reachable_channels(customer=customer):
        raise ValidationError(
            {
                "channel": f"{customer.name} cannot be reached by {MessageChannel(channel).label}: "
                "no consent or no address for it."
            }
        )


def _status_change(case: Case, *, actor: Actor, to_status: str, reason: str = "") -> TimelineEntry:
    """Move the locked case to `to_status` (already checked legal), with its milestones."""
    from_status = case.status
    moment = now()
    case.status = to_status
    if from_status == CaseStatus.NEW and case.acknowledged_at is None:
        case.acknowledged_at = moment
    if to_status == CaseStatus.RESOLVED:
        case.resolved_at = moment
    elif to_status == CaseStatus.CLOSED:
        case.closed_at = moment
    elif to_status == CaseStatus.REOPENED:
        case.resolved_at = None
        case.closed_at = None
    if to_status in (CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.REOPENED):
        case.promised_resolution_at = None  # a promise ends with the work it was about
    return _append(
        case,
        actor=actor,
        kind=EntryKind.STATUS_CHANGE,
        body=reason,
        data={"from_status": from_status, "to_status": to_status},
    )


MILESTONE_FIELDS = ("status", "acknowledged_at", "resolved_at", "closed_at", "promised_resolution_at")


# --- teams ----------------------------------------------------------------------------------------


def _team_name(tenant: Tenant, name: str, *, other_than: Team | None = None) -> str:
    """The stripped name, refused when blank or when another team of the tenant has it (any case).

    Two admins creating the same name at once: one insert fails on the unique constraint, which
    the callers turn into the same message.
    """
    name = _require_text(name, "name", "Give the team a name.")
    teams = Team.objects.for_tenant(tenant).filter(name__iexact=name)
    if other_than is not None:
        teams = teams.exclude(pk=other_than.pk)
    if teams.exists():
        raise ValidationError({"name": "A team with this name exists."})
    return name


def _save_team(save: Callable[[], Any]) -> None:
    try:
        with transaction.atomic():
            save()
    except IntegrityError as error:
        raise ValidationError({"name": "A team with this name exists."}) from error


@transaction.atomic
def team_create(*, tenant: Tenant, actor: Actor, name: str, description: str = "") -> Team:
    team = Team(tenant=tenant, name=_team_name(tenant, name), description=(description or "").strip())
    _save_team(team.save)
    audit_record(tenant=tenant, actor=actor, action="team.created", target=team)
    return team


@transaction.atomic
def team_update(*, tenant: Tenant, actor: Actor, team: Team, name: str, description: str = "") -> Team:
    """Rename the team or change its description (the same name rule as `team_create`)."""
    if team.tenant_id != tenant.pk:
        raise ValidationError("No such team.")
    before = {"name": team.name, "description": team.description}
    team.name = _team_name(tenant, name, other_than=team)
    team.description = (description or "").strip()
    after = {"name": team.name, "description": team.description}
    changes = {field: [before[field], after[field]] for field in before if before[field] != after[field]}
    if changes:
        _save_team(lambda: team.save(update_fields=list(changes)))
        audit_record(tenant=tenant, actor=actor, action="team.updated", target=team, changes=changes)
    return team


@transaction.atomic
def team_delete(*, tenant: Tenant, actor: Actor, team: Team) -> None:
    """Delete a team without open cases; its closed cases keep no team (team=NULL).

    Refused while cases are open: they would lose their routing and visibility. The team row is
    locked first, so a case opened into the team meanwhile waits and then fails its foreign key.
    """
    if not Team.objects.for_tenant(tenant).select_for_update().filter(pk=team.pk).exists():
        raise ValidationError("No such team.")
    if Case.objects.for_tenant(tenant).filter(team=team, status__in=OPEN_STATUSES).exists():
        raise ValidationError("The team has open cases; move them to another team first.")
    audit_record(tenant=tenant, actor=actor, action="team.deleted", target=team, metadata={"name": team.name})
    Team.objects.for_tenant(tenant).filter(pk=team.pk).delete()


@transaction.atomic
def team_add_member(*, actor: Actor, team: Team, user: User) -> TeamMembership:
    _check_member(team.tenant_id, user)
    membership, created = TeamMembership.objects.for_tenant(team.tenant_id).get_or_create(
        tenant_id=team.tenant_id, team=team, user=user
    )
    if created:
        audit_record(
            tenant=team.tenant,
            actor=actor,
            action="team.member_added",
            target=team,
            metadata={"user_id": user.pk},
        )
    return membership


@transaction.atomic
def team_remove_member(*, actor: Actor, team: Team, user: User) -> None:
    deleted, _ = TeamMembership.objects.for_tenant(team.tenant_id).filter(team=team, user=user).delete()
    if deleted:
        audit_record(
            tenant=team.tenant,
            actor=actor,
            action="team.member_removed",
            target=team,
            metadata={"user_id": user.pk},
        )


# --- cases ----------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    tenant: Tenant,
    actor: Actor,
    customer: Customer,
    subject: str,
    description: str = "",
    kind: str = CaseKind.INQUIRY,
    source_channel: str = SourceChannel.AGENT,
    priority: str = Priority.NORMAL,
    team: Team | None = None,
    assignee: User | None = None,
    order: Order | None = None,
    tags: Iterable[str] = (),
    attachments: Iterable[UploadedFile] = (),
    initial_assessment: str = "",
) -> Case:
    """Open a case for `customer` with the next reference (e.g. ACME-1042).

    The timeline starts with a customer-visible "opened" entry carrying any attachments.
    `initial_assessment` is the agent's first assessment, quoted in the automatic acknowledgement
    (without one the acknowledgement names the case kind and the team handling it).
    """
    if customer.tenant_id != tenant.pk:
        raise ValidationError({"customer": "No such customer."})
    subject = _require_text(subject, "subject", "Give the case a subject.")
    if team is not None and team.tenant_id != tenant.pk:
        raise ValidationError({"team": "No such team."})
    if assignee is not None:
        _check_member(tenant.pk, assignee)
    if order is not None:
        _check_order(customer, order)
    checked = attachments_check(attachments)
    number = case_number_allocate(tenant=tenant)
    case = Case(
        tenant=tenant,
        number=number,
        reference=case_reference(tenant=tenant, number=number),
        kind=kind,
        subject=subject,
        description=(description or "").strip(),
        source_channel=source_channel,
        priority=priority,
        customer=customer,
        team=team,
        assignee=assignee,
        order=order,
        tags=normalize_tags(tags),
        initial_assessment=(initial_assessment or "").strip(),
    )
    # Choices and lengths; relations were checked above and the counter makes the number unique.
    case.clean_fields(exclude=["tenant", "customer", "team", "assignee", "order", "priority_rank"])
    case.save()
    entry = _append(
        case,
        actor=actor,
        kind=EntryKind.SYSTEM,
        body=f"Case {case.reference} opened.",
        visibility=Visibility.CUSTOMER,
        data={"event": "opened", "source_channel": source_channel, "kind": kind, "priority": priority},
    )
    attachments_store(entry=entry, checked=checked)
    case.save(update_fields=["timeline_seq", "last_activity_at"])
    case_search_refresh(tenant=tenant, case_ids=[case.pk])
    _audit(
        case,
        actor=actor,
        action="case.opened",
        changes={"status": case.status, "kind": kind, "priority": priority},
        source_channel=source_channel,
        customer_id=customer.pk,
        team_id=team.pk if team else None,
        assignee_id=assignee.pk if assignee else None,
    )
    _publish(case, "case.opened", kind=kind, priority=priority, source_channel=source_channel)
    return case


@transaction.atomic
def case_transition(
    *, actor: Actor, case: Case, to_status: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """Move the case to `to_status` if the transition table allows it (IllegalTransition if not).

    Sets the milestone timestamps: leaving `new` acknowledges; resolving and closing stamp their
    time; reopening clears both.
    """
    case = _lock(case, expected_version)
    problem = transition_error(case.status, to_status)
    if problem:
        raise IllegalTransition(problem)
    from_status = case.status
    entry = _status_change(case, actor=actor, to_status=to_status, reason=(reason or "").strip())
    _save(case, *MILESTONE_FIELDS)
    _audit(case, actor=actor, action="case.status_changed", changes={"status": [from_status, to_status]})
    _publish(case, "case.status_changed", from_status=from_status, to_status=to_status, entry_id=entry.pk)
    return case


@transaction.atomic
def case_assign(
    *, actor: Actor, case: Case, assignee: User | None, expected_version: int | None = None
) -> Case:
    """Give the case to `assignee` (None: back to the unassigned pool)."""
    case = _lock(case, expected_version)
    if assignee is not None:
        _check_member(case.tenant_id, assignee)
    previous = case.assignee_id
    new = assignee.pk if assignee else None
    if previous == new:
        return case
    case.assignee = assignee
    _append(
        case,
        actor=actor,
        kind=EntryKind.ASSIGNMENT,
        body=f"Assigned to {assignee}." if assignee else "Unassigned.",
        data={"from_user_id": previous, "to_user_id": new},
    )
    _save(case, "assignee")
    _audit(case, actor=actor, action="case.assigned", changes={"assignee_id": [previous, new]})
    _publish(case, "case.assigned", from_user_id=previous, to_user_id=new)
    return case


@transaction.atomic
def case_change_team(
    *,
    actor: Actor,
    case: Case,
    team: Team | None,
    note: str = "",
    reason_for_customer: str = "",
    expected_version: int | None = None,
) -> Case:
    """Route the case to another team and tell the customer.

    Besides the internal team-change entry (with the agent's `note`), the customer gets a visible
    "handed over" message on their preferred channel, waiting for the notification pipeline
    (`pending_delivery`), saying why when the agent gave a `reason_for_customer` ("they can issue
    the refund directly"). An assignee who is not in the new team is unassigned, so the case lands
    in that team's pool.
    """
    case = _lock(case, expected_version)
    if team is not None and team.tenant_id != case.tenant_id:
        raise ValidationError({"team": "No such team."})
    previous = case.team_id
    if previous == (team.pk if team else None):
        return case
    case.team = team
    changed = ["team"]
    if case.assignee_id and team is not None:
        in_team = TeamMembership.objects.for_tenant(case.tenant_id).filter(
            team=team, user_id=case.assignee_id
        )
        if not in_team.exists():
            case.assignee = None
            changed.append("assignee")
    _append(
        case,
        actor=actor,
        kind=EntryKind.TEAM_CHANGE,
        body=(note or "").strip(),
        data={
            "from_team_id": previous,
            "to_team_id": team.pk if team else None,
            "unassigned": "assignee" in changed,
        },
    )
    handover = None
    if team is not None:
        reason = (reason_for_customer or "").strip().rstrip(".")
        because = f", because {reason}" if reason else ""
        handover = _append(
            case,
            actor=actor,
            kind=EntryKind.CUSTOMER_UPDATE,
            body=f"Your request {case.reference} has been handed over to our {team.name} team{because}. "
            "They will continue with it.",
            visibility=Visibility.CUSTOMER,
            direction=Direction.OUTBOUND,
            channel=_customer_channel(case.customer),
            pending_delivery=True,
            data={"event": "handover", "to_team_id": team.pk, "reason": reason},
        )
    _save(case, *changed)
    _audit(case, actor=actor, action="case.team_changed", changes={"team_id": [previous, case.team_id]})
    _publish(
        case,
        "case.team_changed",
        from_team_id=previous,
        to_team_id=case.team_id,
        entry_id=handover.pk if handover else None,
    )
    return case


DELAY_TEXT_LIMIT = 300


def _delay_fields(*, cause: str, impact: str, new_expected_at: datetime) -> tuple[str, str]:
    cause = (cause or "").strip().rstrip(".")
    impact = (impact or "").strip().rstrip(".")
    errors = {}
    if not cause:
        errors["cause"] = "Say why the case is delayed; the customer is told."
    elif len(cause) > DELAY_TEXT_LIMIT:
        errors["cause"] = f"Keep the cause under {DELAY_TEXT_LIMIT} characters."
    if len(impact) > DELAY_TEXT_LIMIT:
        errors["impact"] = f"Keep the impact under {DELAY_TEXT_LIMIT} characters."
    if new_expected_at is None or new_expected_at.tzinfo is None:
        errors["new_expected_at"] = "Give the new expected resolution as a date and time."
    elif new_expected_at <= now():
        errors["new_expected_at"] = "The new expected resolution must be in the future."
    if errors:
        raise ValidationError(errors)
    return cause, impact


@transaction.atomic
def case_announce_delay(
    *,
    actor: Actor,
    case: Case,
    cause: str,
    new_expected_at: datetime,
    impact: str = "",
    expected_version: int | None = None,
) -> Case:
    """Tell the customer at once that an open case will take longer than planned.

    The procedures require a delay notice to state the cause, what it means for the customer and the
    new expected resolution time. That time becomes the case's promised resolution, quoted by the
    portal and later messages instead of the SLA estimate until the case is resolved; the SLA
    targets themselves do not move (a breach stays a breach). The notice is a customer-visible entry
    waiting for delivery, sent with the approved `case.delayed` template.
    """
    case = _lock(case, expected_version)
    if case.status not in OPEN_STATUSES:
        raise ValidationError({"status": "Only an open case can be delayed."})
    cause, impact = _delay_fields(cause=cause, impact=impact, new_expected_at=new_expected_at)
    previous = case.promised_resolution_at
    case.promised_resolution_at = new_expected_at
    local = new_expected_at.astimezone(zoneinfo.ZoneInfo(case.tenant.time_zone))
    impact_text = f" What this means for you: {impact}." if impact else ""
    entry = _append(
        case,
        actor=actor,
        kind=EntryKind.CUSTOMER_UPDATE,
        body=f"We are sorry: your request {case.reference} will take longer than planned, because {cause}."
        f"{impact_text} We now expect to resolve it by {local:%a %-d %b %Y, %H:%M}.",
        visibility=Visibility.CUSTOMER,
        direction=Direction.OUTBOUND,
        channel=_customer_channel(case.customer),
        pending_delivery=True,
        data={
            "event": "delay",
            "cause": cause,
            "impact": impact,
            "new_expected_at": new_expected_at.isoformat(),
            "previous_expected_at": previous.isoformat() if previous else None,
        },
    )
    _save(case, "promised_resolution_at")
    _audit(
        case,
        actor=actor,
        action="case.delay_announced",
        changes={
            "promised_resolution_at": [
                previous.isoformat() if previous else None,
                new_expected_at.isoformat(),
            ]
        },
    )
    _publish(case, "case.delay_announced", entry_id=entry.pk)
    return case


ESCALATION_TRIGGERS = ("manual", "breach")


@transaction.atomic
def case_escalate(
    *,
    actor: Actor,
    case: Case,
    reason: str,
    trigger: str = "manual",
    expected_version: int | None = None,
) -> Case:
    """Raise the case one escalation level, with the reason.

    `trigger` is "manual" (a person escalated) or "breach" (the SLA engine, which records its own
    escalation row; see apps/sla/escalations.py).
    """
    reason = _require_text(reason, "reason", "Say why the case is escalated.")
    if trigger not in ESCALATION_TRIGGERS:
        raise ValueError(f"Unknown escalation trigger {trigger!r}.")
    case = _lock(case, expected_version)
    if not case.is_open:
        raise ValidationError({"reason": "Only an open case can be escalated; reopen it first."})
    case.escalation_level += 1
    entry = _append(
        case,
        actor=actor,
        kind=EntryKind.ESCALATION,
        body=reason,
        data={"level": case.escalation_level, "trigger": trigger},
    )
    _save(case, "escalation_level")
    _audit(
        case,
        actor=actor,
        action="case.escalated",
        changes={"escalation_level": case.escalation_level},
        trigger=trigger,
    )
    _publish(case, "case.escalated", level=case.escalation_level, trigger=trigger, entry_id=entry.pk)
    return case


@transaction.atomic
def case_deescalate(*, actor: Actor, case: Case, reason: str, expected_version: int | None = None) -> Case:
    """Lower the case one escalation level (a supervisor has taken it in hand), with the reason."""
    reason = _require_text(reason, "reason", "Say why the case is de-escalated.")
    case = _lock(case, expected_version)
    if case.escalation_level == 0:
        raise ValidationError({"reason": "This case is not escalated."})
    previous = case.escalation_level
    case.escalation_level -= 1
    entry = _append(
        case,
        actor=actor,
        kind=EntryKind.ESCALATION,
        body=reason,
        data={"level": case.escalation_level, "from_level": previous, "trigger": "deescalated"},
    )
    _save(case, "escalation_level")
    _audit(
        case,
        actor=actor,
        action="case.deescalated",
        changes={"escalation_level": [previous, case.escalation_level]},
    )
    _publish(case, "case.deescalated", level=case.escalation_level, from_level=previous, entry_id=entry.pk)
    return case


@transaction.atomic
def case_reply(
    *,
    actor: Actor,
    case: Case,
    body: str,
    channel: str = "",
    attachments: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> TimelineEntry:
    """An outbound message to the customer; returns its timeline entry (`entry.case` is updated).

    `channel` defaults to the customer's first preferred channel with consent and an address. A
    message by email/SMS/voice/portal waits as `pending_delivery` for the notification pipeline;
    `phone` records a call already made. The first reply stamps `first_response_at`.
    """
    body = _require_text(body, "body", "Write the message.")
    checked = attachments_check(attachments)
    case = _lock(case, expected_version)
    customer = (
        Customer.objects.for_tenant(case.tenant_id)
        .prefetch_related("contact_points", "consents")
        .get(pk=case.customer_id)
    )
    channel = channel or _customer_channel(customer)
    if channel not in REPLY_CHANNELS:
        raise ValidationError({"channel": f"Replies go by {', '.join(REPLY_CHANNELS)}."})
    _refuse_unreachable(customer, channel)
    entry = _append(
        case,
        actor=actor,
        kind=EntryKind.MESSAGE_OUT,
        body=body,
        channel=channel,
        direction=Direction.OUTBOUND,
        visibility=Visibility.CUSTOMER,
        pending_delivery=channel in SENT_CHANNELS,
    )
    attachments_store(entry=entry, checked=checked)
    first = case.first_response_at is None
    if first:
        case.first_response_at = entry.created_at
    _save(case, "first_response_at")
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(case, actor=actor, action="case.replied", entry_id=entry.pk, channel=channel, first_response=first)
    _publish(case, "case.replied", entry_id=entry.pk, channel=channel, first_response=first)
    return entry


@transaction.atomic
def case_add_note(
    *,
    actor: Actor,
    case: Case,
    body: str,
    attachments: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
) -> TimelineEntry:
    """An internal note: staff only, never shown to the customer or sent anywhere."""
    body = _require_text(body, "body", "Write the note.")
    checked = attachments_check(attachments)
    case = _lock(case, expected_version)
    entry = _append(case, actor=actor, kind=EntryKind.NOTE, body=body, visibility=Visibility.INTERNAL)
    attachments_store(entry=entry, checked=checked)
    _save(case)
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(case, actor=actor, action="case.note_added", entry_id=entry.pk)
    return entry


def case_timeline_record(
    *,
    case: Case,
    body: str,
    data: Mapping[str, Any],
    kind: str = EntryKind.SYSTEM,
    visibility: str = Visibility.INTERNAL,
) -> TimelineEntry:
    """Append a system entry (an SLA clock paused, a warning sent) without changing the case.

    Unlike the services above it neither raises `version` nor touches `last_activity_at`: nothing an
    agent edits changed, so a form they have open must not turn stale. The sequence number comes
    from one UPDATE … RETURNING (atomic, and it takes the row lock the calling transaction may hold
    already). Callers (the SLA engine, inside case services' domain-event handlers or its own
    transactions) record the audit event themselves.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET timeline_seq = timeline_seq + 1 WHERE id = %s AND tenant_id = %s "
            "RETURNING timeline_seq",
            [case.pk, case.tenant_id],
        )
        (seq,) = cursor.fetchone()
    case.timeline_seq = seq
    return TimelineEntry.objects.create(
        tenant_id=case.tenant_id,
        case_id=case.pk,
        seq=seq,
        kind=kind,
        body=body,
        visibility=visibility,
        data=dict(data),
        created_at=now(),
        author_kind=AuthorKind.SYSTEM,
    )


@transaction.atomic
def case_customer_message(
    *,
    case: Case,
    body: str,
    channel: str,
    actor: Actor = None,
    attachments: Iterable[UploadedFile] = (),
) -> TimelineEntry:
    """A message from the customer (portal, inbound email/SMS, a logged call, the API).

    The author is the case's customer. It moves the case back to work: pending customer → in
    progress (the SLA clock resumes), resolved → reopened. A closed case stays closed; whoever
    routes inbound messages opens a follow-up case instead. `actor` is who recorded it (None: the
    customer themselves or the inbound pipeline).
    """
    body = (body or "").strip()
    attachments = list(attachments)
    if not body and not attachments:
        raise ValidationError({"body": "The message is empty."})
    if channel not in INBOUND_CHANNELS:
        raise ValidationError({"channel": f"Inbound messages come by {', '.join(INBOUND_CHANNELS)}."})
    checked = attachments_check(attachments)
    case = _lock(case, None)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"body": f"{case.reference} is closed; open a follow-up case instead."})
    entry = _append(
        case,
        actor=case.customer,
        kind=EntryKind.MESSAGE_IN,
        body=body,
        channel=channel,
        direction=Direction.INBOUND,
        visibility=Visibility.CUSTOMER,
        data={"recorded_by": actor_reference(actor)[0]} if actor is not None else {},
    )
    attachments_store(entry=entry, checked=checked)
    from_status = case.status
    to_status = {
        CaseStatus.PENDING_CUSTOMER: CaseStatus.IN_PROGRESS,
        CaseStatus.RESOLVED: CaseStatus.REOPENED,
    }.get(from_status)
    if to_status:
        _status_change(case, actor=None, to_status=to_status, reason="The customer replied.")
    _save(case, *MILESTONE_FIELDS)
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(
        case, actor=actor or case.customer, action="case.customer_message", entry_id=entry.pk, channel=channel
    )
    _publish(case, "case.customer_message", entry_id=entry.pk, channel=channel)
    if to_status:
        _audit(case, actor=None, action="case.status_changed", changes={"status": [from_status, to_status]})
        _publish(case, "case.status_changed", from_status=from_status, to_status=to_status, entry_id=None)
    return entry


@transaction.atomic
def case_link_order(
    *, actor: Actor, case: Case, order: Order | None, expected_version: int | None = None
) -> Case:
    """Link one of the customer's orders to the case (None: unlink)."""
    case = _lock(case, expected_version)
    if order is not None:
        _check_order(case.customer, order)
    previous = case.order_id
    if previous == (order.pk if order else None):
        return case
    case.order = order
    _append(
        case,
        actor=actor,
        kind=EntryKind.SYSTEM,
        body=f"Linked order {order.order_number}." if order else "Unlinked the order.",
        data={"event": "order_linked", "from_order_id": previous, "to_order_id": order.pk if order else None},
    )
    _save(case, "order")
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(case, actor=actor, action="case.order_linked", changes={"order_id": [previous, case.order_id]})
    return case


@transaction.atomic
def case_set_tags(
    *, actor: Actor, case: Case, tags: Iterable[str], expected_version: int | None = None
) -> Case:
    tags = normalize_tags(tags)
    case = _lock(case, expected_version)
    previous = list(case.tags)
    if previous == tags:
        return case
    case.tags = tags
    _append(
        case,
        actor=actor,
        kind=EntryKind.SYSTEM,
        data={
            "event": "tags_changed",
            "added": sorted(set(tags) - set(previous)),
            "removed": sorted(set(previous) - set(tags)),
        },
    )
    _save(case, "tags")
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(case, actor=actor, action="case.tags_changed", changes={"tags": [previous, tags]})
    return case


@transaction.atomic
def case_set_priority(
    *, actor: Actor, case: Case, priority: str, expected_version: int | None = None
) -> Case:
    if priority not in Priority.values:
        raise ValidationError({"priority": f"“{priority}” is not a priority ({', '.join(Priority.values)})."})
    case = _lock(case, expected_version)
    previous = case.priority
    if previous == priority:
        return case
    case.priority = priority
    _append(
        case,
        actor=actor,
        kind=EntryKind.SYSTEM,
        body=f"Priority {Priority(previous).label.lower()} → {Priority(priority).label.lower()}.",
        data={"event": "priority_changed", "from_priority": previous, "to_priority": priority},
    )
    _save(case, "priority")
    _audit(case, actor=actor, action="case.priority_changed", changes={"priority": [previous, priority]})
    _publish(case, "case.priority_changed", from_priority=previous, to_priority=priority)
    return case


@transaction.atomic
def case_update_details(
    *, actor: Actor, case: Case, changes: Mapping[str, Any], expected_version: int | None = None
) -> Case:
    """Correct the subject, description or kind (CASE_DETAIL_FIELDS)."""
    values = {field: str(value or "").strip() for field, value in changes.items()}
    if "subject" in values:
        _require_text(values["subject"], "subject", "Give the case a subject.")
    if "kind" in values and values["kind"] not in CaseKind.values:
        raise ValidationError(
            {"kind": f"“{values['kind']}” is not a case kind ({', '.join(CaseKind.values)})."}
        )
    case = _lock(case, expected_version)
    changed = apply_changes(case, values, CASE_DETAIL_FIELDS)
    if not changed:
        return case
    _append(case, actor=actor, kind=EntryKind.SYSTEM, data={"event": "details_changed", "fields": changed})
    _save(case, *changed)
    case_search_refresh(tenant=case.tenant_id, case_ids=[case.pk])
    _audit(case, actor=actor, action="case.updated", changes={"fields": changed})
    _publish(case, "case.updated", fields=changed)
    return case


@transaction.atomic
def timeline_entry_link_notification(*, entry: TimelineEntry, notification_id: int) -> TimelineEntry:
    """Record that the notification pipeline took over an outbound entry (it is no longer waiting)."""
    TimelineEntry.objects.for_tenant(entry.tenant_id).filter(pk=entry.pk).update(
        notification_id=notification_id, pending_delivery=False
    )
    entry.notification_id, entry.pending_delivery = notification_id, False
    return entry


# --- added for the agent workspace's new-case form ------------------------------------------------


@transaction.atomic
def case_open_for_new_customer(
    *, tenant: Tenant, actor: Actor, customer_fields: Mapping[str, Any], **case_fields: Any
) -> Case:
    """Create the customer an agent typed in (someone who phoned) and open their case, in one
    transaction: a refused case leaves no customer behind. Arguments as `customer_create` and
    `case_open`."""
    customer = customer_create(tenant=tenant, actor=actor, **customer_fields)
    return case_open(tenant=tenant, actor=actor, customer=customer, **case_fields)
