"""The expected resolution time a customer sees: the SLA resolve clock, else the policy's target."""

from datetime import timedelta

import pytest

from apps.cases.models import CaseStatus
from apps.cases.services import case_transition
from apps.common.clock import now
from apps.portal.selectors import expected_resolutions
from apps.sla.models import SlaTimer, TimerKind
from apps.sla.selectors import resolve_due_times
from tests.cases.factories import CaseFactory
from tests.portal.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_an_open_case_shows_when_its_resolution_clock_falls_due(world):
    case = CaseFactory(customer=world.customer)
    due = resolve_due_times(tenant=world.tenant_a, case_ids=[case.pk]).get(case.pk)

    estimates = expected_resolutions(tenant=world.tenant_a, customer=world.customer, cases=[case])

    assert due is not None and estimates == {case.pk: due}
    page = signed_in(world.customer).get(f"/portal/cases/{case.reference}/").content.decode()
    assert "Expected resolution" in page


def test_without_a_clock_the_policy_target_from_opening_is_the_estimate(world):
    case = CaseFactory(customer=world.customer)
    SlaTimer.objects.for_tenant(world.tenant_a).filter(case=case).delete()

    estimate = expected_resolutions(tenant=world.tenant_a, customer=world.customer, cases=[case])[case.pk]

    assert case.created_at < estimate < now() + timedelta(days=60)


def test_a_case_waiting_for_the_customer_or_past_its_target_promises_nothing(world):
    waiting = case_transition(
        actor=world.actors.agent_a,
        case=CaseFactory(customer=world.customer),
        to_status=CaseStatus.PENDING_CUSTOMER,
    )
    late = CaseFactory(customer=world.customer)
    SlaTimer.objects.for_tenant(world.tenant_a).filter(case=late, kind=TimerKind.RESOLVE).update(
        due_at=now() - timedelta(minutes=1)
    )

    assert expected_resolutions(tenant=world.tenant_a, customer=world.customer, cases=[waiting, late]) == {}
