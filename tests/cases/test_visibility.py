import pytest

from apps.cases.selectors import TENANT_WIDE, case_by_reference, cases_visible_to
from apps.cases.services import case_assign, case_change_team
from apps.tenants.models import Membership, Role
from tests.cases.factories import CaseFactory, TeamFactory, add_to_team
from tests.cases.isolation import only_domain_services  # noqa: F401
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def membership(tenant, user) -> Membership:
    return Membership.objects.for_tenant(tenant).get(user=user)


@pytest.fixture
def world(actors):
    """Cases around agent_a (member of Shipping) and a colleague (member of Billing)."""
    tenant = actors.tenant_a
    colleague = MembershipFactory(tenant=tenant, role=Role.AGENT).user
    shipping = add_to_team(TeamFactory(tenant=tenant, name="Shipping"), actors.agent_a)
    billing = add_to_team(TeamFactory(tenant=tenant, name="Billing"), colleague)

    def case(team=None, assignee=None):
        created = CaseFactory(customer__tenant=tenant)
        if team:
            created = case_change_team(actor=None, case=created, team=team)
        if assignee:
            created = case_assign(actor=None, case=created, assignee=assignee)
        return created

    return {
        "shipping_of_colleague": case(team=shipping, assignee=colleague),
        "billing_unassigned": case(team=billing),
        "no_team_unassigned": case(),
        "billing_mine": case(team=billing, assignee=actors.agent_a),
        "billing_of_colleague": case(team=billing, assignee=colleague),
        "no_team_of_colleague": case(assignee=colleague),
        "other_tenant": CaseFactory(customer__tenant=actors.tenant_b),
    }


def visible(tenant, member) -> set[int]:
    return set(cases_visible_to(tenant=tenant, membership=member).values_list("id", flat=True))


def test_agent_sees_team_cases_unassigned_cases_and_own_cases(actors, world):
    seen = visible(actors.tenant_a, membership(actors.tenant_a, actors.agent_a))
    expected = {"shipping_of_colleague", "billing_unassigned", "no_team_unassigned", "billing_mine"}
    assert seen == {world[name].pk for name in expected}


@pytest.mark.parametrize("role_user", ["supervisor_a", "admin_a"])
def test_supervisors_and_admins_see_every_case_of_their_tenant(actors, world, role_user):
    seen = visible(actors.tenant_a, membership(actors.tenant_a, getattr(actors, role_user)))
    assert seen == {case.pk for name, case in world.items() if name != "other_tenant"}


def test_tenant_wide_principal_sees_the_tenant_only(actors, world):
    assert world["other_tenant"].pk not in visible(actors.tenant_a, TENANT_WIDE)
    assert len(visible(actors.tenant_a, TENANT_WIDE)) == 6


def test_inactive_member_sees_nothing(actors, world):
    member = membership(actors.tenant_a, actors.supervisor_a)
    member.is_active = False
    assert visible(actors.tenant_a, member) == set()


def test_membership_of_another_tenant_sees_nothing_here(actors, world):
    assert visible(actors.tenant_a, membership(actors.tenant_b, actors.staff_b)) == set()


def test_lookup_of_an_invisible_case_answers_none_like_a_missing_one(actors, world):
    agent = membership(actors.tenant_a, actors.agent_a)
    hidden = world["billing_of_colleague"]
    assert case_by_reference(tenant=actors.tenant_a, membership=agent, reference=hidden.reference) is None
    assert case_by_reference(tenant=actors.tenant_a, membership=agent, reference="ALPHA-999999") is None
    shown = world["billing_mine"]
    found = case_by_reference(tenant=actors.tenant_a, membership=agent, reference=shown.reference.lower())
    assert found == shown
    other = world["other_tenant"]
    assert case_by_reference(tenant=actors.tenant_a, membership=agent, reference=other.reference) is None


def test_leaving_a_team_hides_its_assigned_cases_from_the_agent(actors):
    from apps.cases.services import team_remove_member

    colleague = MembershipFactory(tenant=actors.tenant_a, role=Role.AGENT).user
    team = add_to_team(TeamFactory(tenant=actors.tenant_a), actors.agent_a, colleague)
    case = case_assign(
        actor=None,
        case=case_change_team(actor=None, case=CaseFactory(customer__tenant=actors.tenant_a), team=team),
        assignee=colleague,
    )
    agent = membership(actors.tenant_a, actors.agent_a)
    assert case.pk in visible(actors.tenant_a, agent)
    team_remove_member(actor=actors.admin_a, team=team, user=actors.agent_a)
    assert case.pk not in visible(actors.tenant_a, agent)
