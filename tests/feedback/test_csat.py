"""The CSAT service: one rating per resolved case; poor ratings open a follow-up case."""

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.cases.models import Case, CaseKind, CaseStatus, Priority
from apps.cases.services import case_transition
from apps.feedback.models import CsatResponse, CsatSource
from apps.feedback.selectors import csat_for_case
from apps.feedback.services import csat_submit
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(actors):
    case = CaseFactory(tenant=actors.tenant_a, customer__tenant=actors.tenant_a)
    return case_transition(actor=actors.agent_a, case=case, to_status=CaseStatus.RESOLVED)


def rate(case, rating, comment=""):
    return csat_submit(
        actor=case.customer, case=case, rating=rating, comment=comment, source=CsatSource.PORTAL
    )


@pytest.mark.parametrize(("rating", "opens_followup"), [(1, True), (2, True), (3, False), (5, False)])
def test_ratings_of_two_or_less_open_a_follow_up_case(actors, resolved, rating, opens_followup):
    response = rate(resolved, rating, "Meh")

    followup = response.followup_case
    assert (followup is not None) is opens_followup
    if followup:
        assert followup.kind == CaseKind.FEEDBACK_FOLLOWUP and followup.priority == Priority.HIGH
        assert followup.customer_id == resolved.customer_id and resolved.reference in followup.subject
        assert Case.objects.for_tenant(actors.tenant_a).filter(kind=CaseKind.FEEDBACK_FOLLOWUP).count() == 1


def test_the_threshold_is_a_setting(resolved, settings):
    settings.FEEDBACK_FOLLOWUP_MAX_RATING = 3

    assert rate(resolved, 3).followup_case is not None


def test_a_case_is_rated_once(resolved):
    rate(resolved, 4)

    with pytest.raises(ValidationError, match="already been rated"):
        rate(resolved, 2)
    assert csat_for_case(case=resolved).rating == 4


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_a_rating_is_one_to_five(resolved, rating):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        rate(resolved, rating)


def test_only_resolved_or_closed_cases_are_rated(actors):
    case = CaseFactory(tenant=actors.tenant_a, customer__tenant=actors.tenant_a)

    with pytest.raises(ValidationError, match="once it is solved"):
        rate(case, 5)


def test_the_rating_is_audited_without_the_comment(actors, resolved):
    rate(resolved, 2, "The agent was rude to me, my number is 0151 123")

    event = AuditEvent.objects.for_tenant(actors.tenant_a).get(action="feedback.csat_submitted")
    assert event.changes == {"rating": 2}
    assert "rude" not in str(event.metadata) and event.metadata["has_comment"] is True
    assert CsatResponse.objects.for_tenant(actors.tenant_a).get().comment.startswith("The agent")
