"""Cases and teams, made through their services (reference, timeline and search vector exist)."""

import factory

from apps.cases.models import Case, Team
from apps.cases.services import case_open, team_add_member, team_create
from tests.customers.factories import CustomerFactory


class TeamFactory(factory.Factory):
    class Meta:
        model = Team

    tenant = None
    name = factory.Sequence(lambda n: f"Team {n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return team_create(actor=None, **kwargs)

    _build = _create


def add_to_team(team: Team, *users) -> Team:
    for user in users:
        team_add_member(actor=None, team=team, user=user)
    return team


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.LazyAttribute(lambda o: o.customer.tenant)
    subject = factory.Faker("sentence", nb_words=5)
    description = "The parcel has not arrived."

    @classmethod
    def _create(cls, model_class, **kwargs):
        return case_open(actor=None, **kwargs)

    _build = _create
