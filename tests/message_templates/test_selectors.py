"""approved_version: only approved content is sent, in the best locale, within the tenant."""

import pytest

from apps.message_templates.models import VersionStatus
from apps.message_templates.selectors import approved_version, locale_candidates, reply_templates
from tests.message_templates.factories import MessageTemplateFactory, TemplateVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(actors):
    return MessageTemplateFactory(tenant=actors.tenant_a, key="order.shipped")


def test_the_approved_version_in_the_asked_locale_is_chosen(actors, shipped):
    TemplateVersionFactory(template=shipped, locale="en", approved=True)
    german = TemplateVersionFactory(template=shipped, locale="de", approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="de") == german


def test_a_regional_locale_falls_back_to_its_language(actors, shipped):
    german = TemplateVersionFactory(template=shipped, locale="de", approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="de-AT") == german
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="de_CH") == german


def test_a_missing_locale_falls_back_to_the_tenant_default_then_english(actors, shipped):
    english = TemplateVersionFactory(template=shipped, locale="en", approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="fr") == english

    actors.tenant_a.default_locale = "de"
    german = TemplateVersionFactory(template=shipped, locale="de", approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="fr") == german
    assert locale_candidates(tenant=actors.tenant_a, locale="fr-BE") == ["fr-be", "fr", "de", "en"]


@pytest.mark.parametrize(
    "status", [VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.REJECTED, "retired"]
)
def test_versions_that_are_not_approved_are_never_used(actors, shipped, status):
    TemplateVersionFactory(template=shipped, locale="de", status=status)
    english = TemplateVersionFactory(template=shipped, locale="en", approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="de") == english


def test_no_approved_version_anywhere_gives_none(actors, shipped):
    TemplateVersionFactory(template=shipped, locale="en", status=VersionStatus.SUBMITTED)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="en") is None
    assert approved_version(tenant=actors.tenant_a, key="order.unknown", locale="en") is None


def test_another_tenants_template_is_never_chosen(actors):
    theirs = MessageTemplateFactory(tenant=actors.tenant_b, key="order.shipped")
    TemplateVersionFactory(template=theirs, approved=True)
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="en") is None


def test_reply_templates_lists_one_approved_version_per_reply_in_the_best_locale(actors):
    ask = MessageTemplateFactory(tenant=actors.tenant_a, key="reply.request_information", name="Ask")
    wait = MessageTemplateFactory(tenant=actors.tenant_a, key="reply.still_working", name="Wait")
    ask_de = TemplateVersionFactory(template=ask, locale="de", approved=True)
    TemplateVersionFactory(template=ask, locale="en", approved=True)
    wait_en = TemplateVersionFactory(template=wait, locale="en", approved=True)
    TemplateVersionFactory(template=MessageTemplateFactory(tenant=actors.tenant_a), approved=True)
    assert reply_templates(tenant=actors.tenant_a, locale="de") == [ask_de, wait_en]
