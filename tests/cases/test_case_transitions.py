import pytest

from apps.audit.models import AuditEvent
from apps.cases.exceptions import IllegalTransition
from apps.cases.models import Case, CaseStatus, EntryKind
from apps.cases.services import case_transition
from apps.cases.transitions import CASE_TRANSITIONS
from tests.cases.factories import CaseFactory
from tests.cases.isolation import only_domain_services  # noqa: F401

pytestmark = pytest.mark.django_db

S = CaseStatus
ALL_PAIRS = [(source, target) for source in S.values for target in S.values]
LEGAL = [(source, target) for source, target in ALL_PAIRS if target in CASE_TRANSITIONS[source]]
ILLEGAL = [(source, target) for source, target in ALL_PAIRS if target not in CASE_TRANSITIONS[source]]


def _case_in(tenant, status: str) -> Case:
    case = CaseFactory(customer__tenant=tenant)
    Case.objects.for_tenant(tenant).filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def test_the_table_is_the_documented_lifecycle():
    assert CASE_TRANSITIONS[S.NEW] == {S.ACKNOWLEDGED, S.IN_PROGRESS, S.PENDING_CUSTOMER, S.RESOLVED}
    assert CASE_TRANSITIONS[S.IN_PROGRESS] == {S.PENDING_CUSTOMER, S.RESOLVED}
    assert CASE_TRANSITIONS[S.PENDING_CUSTOMER] == {S.IN_PROGRESS, S.RESOLVED}
    assert CASE_TRANSITIONS[S.RESOLVED] == {S.CLOSED, S.REOPENED}
    assert CASE_TRANSITIONS[S.CLOSED] == {S.REOPENED}
    assert CASE_TRANSITIONS[S.REOPENED] == CASE_TRANSITIONS[S.ACKNOWLEDGED]


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_legal_transition_moves_the_case_and_records_it(actors, source, target):
    case = _case_in(actors.tenant_a, source)
    moved = case_transition(actor=actors.agent_a, case=case, to_status=target, reason="because")
    assert moved.status == target
    assert moved.version == case.version + 1
    entry = moved.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.STATUS_CHANGE
    assert entry.data == {"from_status": source, "to_status": target}
    assert entry.body == "because"
    assert entry.author_user == actors.agent_a
    event = AuditEvent.objects.for_tenant(actors.tenant_a).filter(action="case.status_changed").get()
    assert event.changes == {"status": [source, target]}
    assert event.target_id == str(case.pk)


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_transition_is_refused_with_a_clear_error(actors, source, target):
    case = _case_in(actors.tenant_a, source)
    with pytest.raises(IllegalTransition) as refused:
        case_transition(actor=actors.agent_a, case=case, to_status=target)
    message = refused.value.message_dict["status"][0]
    assert "cannot move to" in message
    case.refresh_from_db()
    assert case.status == source
    assert not AuditEvent.objects.for_tenant(actors.tenant_a).filter(action="case.status_changed").exists()


def test_unknown_status_is_refused(actors):
    case = _case_in(actors.tenant_a, S.NEW)
    with pytest.raises(IllegalTransition, match="not a case status"):
        case_transition(actor=None, case=case, to_status="done")


def test_milestones_are_stamped_along_the_lifecycle(actors, time_machine):
    time_machine.move_to("2026-03-02 09:00:00Z", tick=False)
    case = CaseFactory(customer__tenant=actors.tenant_a)
    time_machine.move_to("2026-03-02 09:30:00Z", tick=False)
    case = case_transition(actor=None, case=case, to_status=S.ACKNOWLEDGED)
    assert case.acknowledged_at.isoformat() == "2026-03-02T09:30:00+00:00"
    case = case_transition(actor=None, case=case, to_status=S.IN_PROGRESS)
    time_machine.move_to("2026-03-03 10:00:00Z", tick=False)
    case = case_transition(actor=None, case=case, to_status=S.RESOLVED)
    assert case.resolved_at.isoformat() == "2026-03-03T10:00:00+00:00"
    time_machine.move_to("2026-03-10 10:00:00Z", tick=False)
    case = case_transition(actor=None, case=case, to_status=S.CLOSED)
    assert case.closed_at.isoformat() == "2026-03-10T10:00:00+00:00"
    case = case_transition(actor=None, case=case, to_status=S.REOPENED)
    assert case.resolved_at is None and case.closed_at is None
    assert case.acknowledged_at.isoformat() == "2026-03-02T09:30:00+00:00"


def test_skipping_acknowledgement_still_stamps_it(actors):
    case = CaseFactory(customer__tenant=actors.tenant_a)
    case = case_transition(actor=None, case=case, to_status=S.IN_PROGRESS)
    assert case.acknowledged_at is not None
