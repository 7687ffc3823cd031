"""How timeline entries read on the case page: a title, a tone, a delivery state.

Presentation only: the entries and their data are written by the services; this turns the
structured `data` (statuses, ids, events) into sentences an agent reads at a glance.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.cases.models import CaseStatus, EntryKind, MessageChannel, TimelineEntry


@dataclass(frozen=True)
class TimelineItem:
    entry: TimelineEntry
    tone: str  # CSS class on .timeline-item: inbound, outbound, note, system, danger
    title: str
    body: str = ""
    internal: bool = False  # labelled "Internal": staff only, never shown to the customer
    delivery: tuple[str, str] | None = None  # (badge word, label) for messages to the customer
    notification: Any = None  # the outbox's DeliveryBadge once a notification carries the message

    @property
    def channel_label(self) -> str:
        channel = self.entry.channel
        return MessageChannel(channel).label if channel in MessageChannel.values else ""


def delivery_state(entry: TimelineEntry) -> tuple[str, str]:
    """Where an outbound message is before the outbox reports on it: waiting for the notification
    pipeline, handed to it, or (a phone call) simply logged."""
    if entry.pending_delivery:
        return "queued", "Waiting to send"
    if entry.notification_id:
        return "sent", "Handed to delivery"
    if entry.channel == MessageChannel.PHONE:
        return "neutral", "Call logged"
    return "sent", "Sent"


def _status(value: str | None) -> str:
    return CaseStatus(value).label if value in CaseStatus.values else "—"


def _system(entry: TimelineEntry) -> tuple[str, str]:
    data = entry.data or {}
    event = data.get("event")
    if event == "opened":
        channel = data.get("source_channel", "")
        return f"Case opened by {entry.author_name}" + (f" ({channel})" if channel else ""), ""
    if event == "tags_changed":
        parts = []
        if data.get("added"):
            parts.append("added " + ", ".join(data["added"]))
        if data.get("removed"):
            parts.append("removed " + ", ".join(data["removed"]))
        return f"{entry.author_name} changed tags: " + "; ".join(parts), ""
    if event == "details_changed":
        return f"{entry.author_name} edited " + ", ".join(data.get("fields", [])), ""
    return entry.body or "Case updated", ""


def timeline_item(
    entry: TimelineEntry, *, team_names: Mapping[int, str], badges: Mapping[int, Any]
) -> TimelineItem:
    author = entry.author_name
    data = entry.data or {}
    kind = entry.kind
    if kind == EntryKind.MESSAGE_IN:
        return TimelineItem(entry, "inbound", f"{author} wrote", entry.body)
    if kind in (EntryKind.MESSAGE_OUT, EntryKind.CUSTOMER_UPDATE):
        title = f"{author} replied" if kind == EntryKind.MESSAGE_OUT else "Update to the customer"
        return TimelineItem(
            entry,
            "outbound",
            title,
            entry.body,
            delivery=delivery_state(entry),
            notification=badges.get(entry.pk),
        )
    if kind == EntryKind.NOTE:
        return TimelineItem(entry, "note", f"{author} added a note", entry.body, internal=True)
    if kind == EntryKind.STATUS_CHANGE:
        title = (
            f"{author} changed the status from {_status(data.get('from_status'))} "
            f"to {_status(data.get('to_status'))}"
        )
        return TimelineItem(entry, "system", title, entry.body)
    if kind == EntryKind.ASSIGNMENT:
        return TimelineItem(entry, "system", f"{entry.body.rstrip('.')} by {author}")
    if kind == EntryKind.TEAM_CHANGE:
        target = team_names.get(data.get("to_team_id"), "no team")
        title = f"{author} moved the case to {target}"
        if data.get("unassigned"):
            title += " (and unassigned it)"
        return TimelineItem(entry, "system", title, entry.body, internal=bool(entry.body))
    if kind == EntryKind.ESCALATION:
        how = "escalated" if data.get("trigger", "manual") == "manual" else "automatically escalated"
        return TimelineItem(entry, "danger", f"{author} {how} to level {data.get('level', '?')}", entry.body)
    title, body = _system(entry)
    return TimelineItem(entry, "system", title, body)


def timeline_items(
    entries: Iterable[TimelineEntry], *, team_names: Mapping[int, str], badges: Mapping[int, Any]
) -> list[TimelineItem]:
    """`badges`: entry id → the outbox's delivery badge (notification_statuses_for_entries)."""
    return [timeline_item(entry, team_names=team_names, badges=badges) for entry in entries]
