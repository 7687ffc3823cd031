"""The legal status moves of a case, in one table (documented in docs/cases.md).

    new ─► acknowledged ─► in_progress ⇄ pending_customer ─► resolved ─► closed
                                                               │            │
                                                               └► reopened ◄┘

`reopened` behaves as `in_progress` (same moves out), so a reopened case is visibly a second round.
A new case may skip acknowledgement when the first thing an agent does is work on it, ask the
customer, or solve it; a case closes only from resolved.
"""

from apps.cases.models import CaseStatus

S = CaseStatus

_WORKING = frozenset({S.IN_PROGRESS, S.PENDING_CUSTOMER, S.RESOLVED})

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.PENDING_CUSTOMER, S.RESOLVED}),
    S.ACKNOWLEDGED: _WORKING,
    S.IN_PROGRESS: frozenset({S.PENDING_CUSTOMER, S.RESOLVED}),
    S.PENDING_CUSTOMER: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: _WORKING,
}


def allowed_transitions(status: str) -> list[str]:
    """Statuses reachable from `status`, in the order of CaseStatus (for buttons and errors)."""
    reachable = CASE_TRANSITIONS.get(status, frozenset())
    return [value for value in CaseStatus.values if value in reachable]


def transition_error(from_status: str, to_status: str) -> str | None:
    """None when the move is legal, else a sentence saying what is possible instead."""
    if to_status not in CaseStatus.values:
        return f"“{to_status}” is not a case status ({', '.join(CaseStatus.values)})."
    if to_status in CASE_TRANSITIONS[from_status]:
        return None
    options = ", ".join(str(CaseStatus(value).label).lower() for value in allowed_transitions(from_status))
    return (
        f"A case that is {CaseStatus(from_status).label.lower()} cannot move to "
        f"{CaseStatus(to_status).label.lower()}; it can move to: {options or 'nothing'}."
    )
