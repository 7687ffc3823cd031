"""The default set: every trigger in English and German, lint-clean, installed once per tenant."""

import pytest
from django.core.management import call_command

from apps.message_templates.defaults import DEFAULT_TEMPLATES
from apps.message_templates.lint import blocking_problems, template_lint
from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from apps.message_templates.rendering import preview_content
from apps.message_templates.selectors import approved_version
from apps.message_templates.services import template_install_defaults
from apps.message_templates.sms import GSM7
from apps.message_templates.triggers import CONTENT_FIELDS, TRIGGERS
from apps.tenants.services import tenant_create
from tests.message_templates.factories import MessageTemplateFactory, TemplateVersionFactory

VERSIONS = [(t.key, locale, content) for t in DEFAULT_TEMPLATES for locale, content in t.versions.items()]


def test_every_trigger_has_a_default_in_english_and_german():
    shipped = {(t.trigger, locale) for t in DEFAULT_TEMPLATES for locale in t.versions}
    assert shipped == {(trigger, locale) for trigger in TRIGGERS for locale in ("en", "de")}


@pytest.mark.parametrize(("key", "locale", "content"), VERSIONS, ids=[f"{k}-{loc}" for k, loc, _ in VERSIONS])
def test_default_passes_lint_and_fills_every_channel(key, locale, content):
    assert blocking_problems(template_lint(key=key, content=content, locale=locale)) == []
    assert all(content[field].strip() for field in CONTENT_FIELDS)


@pytest.mark.parametrize(("key", "locale", "content"), VERSIONS, ids=[f"{k}-{loc}" for k, loc, _ in VERSIONS])
def test_default_sms_is_gsm7_in_at_most_two_segments(key, locale, content):
    stats = preview_content(key=key, content=content, channel="sms", locale=locale).sms
    assert stats.encoding == GSM7
    assert stats.segments <= 2


@pytest.mark.parametrize(("key", "locale", "content"), VERSIONS, ids=[f"{k}-{loc}" for k, loc, _ in VERSIONS])
def test_default_greets_the_customer_by_name(key, locale, content):
    for channel in ("email", "voice", "portal"):
        message = preview_content(key=key, content=content, channel=channel, locale=locale).message
        assert "Emma" in message.text or "Anna Schmidt" in message.text


@pytest.mark.django_db
def test_installing_twice_creates_the_set_once(actors):
    first = template_install_defaults(tenant=actors.tenant_a)
    assert (first.templates_created, first.versions_created) == (
        len(DEFAULT_TEMPLATES),
        2 * len(DEFAULT_TEMPLATES),
    )
    second = template_install_defaults(tenant=actors.tenant_a)
    assert (second.templates_created, second.versions_created) == (0, 0)
    versions = TemplateVersion.objects.for_tenant(actors.tenant_a)
    assert versions.count() == 2 * len(DEFAULT_TEMPLATES)
    assert set(versions.values_list("status", flat=True)) == {VersionStatus.APPROVED}
    assert set(versions.values_list("author", flat=True)) == {None}


@pytest.mark.django_db
def test_installing_keeps_a_tenants_own_wording(actors):
    own = MessageTemplateFactory(tenant=actors.tenant_a, key="order.shipped", name="Our shipping mail")
    mine = TemplateVersionFactory(template=own, locale="en", approved=True, email_subject="Shipped!")
    report = template_install_defaults(tenant=actors.tenant_a)
    assert report.versions_created == 2 * len(DEFAULT_TEMPLATES) - 1
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="en") == mine
    assert (
        MessageTemplate.objects.for_tenant(actors.tenant_a).get(key="order.shipped").name
        == "Our shipping mail"
    )
    assert approved_version(tenant=actors.tenant_a, key="order.shipped", locale="de").number == 1


@pytest.mark.django_db
def test_a_new_tenant_gets_the_defaults():
    tenant = tenant_create(slug="newco", name="NewCo")
    for trigger in TRIGGERS:
        if trigger != "reply":
            assert approved_version(tenant=tenant, key=trigger, locale="de").locale == "de"


@pytest.mark.django_db
def test_the_management_command_installs_for_existing_tenants(actors, capsys):
    call_command("install_default_templates", "--tenant", "alpha")
    assert "alpha: 15 templates and 30 versions installed" in capsys.readouterr().out
    assert TemplateVersion.objects.for_tenant(actors.tenant_b).count() == 0
    call_command("install_default_templates")
    assert TemplateVersion.objects.for_tenant(actors.tenant_b).count() == 30
