"""Factories for message templates. Content defaults to Tidings' own (lint-clean) default text."""

import factory

from apps.message_templates.defaults import DEFAULT_TEMPLATES
from apps.message_templates.models import MessageTemplate, TemplateVersion, VersionStatus
from apps.message_templates.triggers import trigger_for_key
from tests.factories import TenantFactory, UserFactory

DEFAULTS = {template.key: template for template in DEFAULT_TEMPLATES}


def default_content(key: str, locale: str = "en") -> dict[str, str]:
    """The shipped content of a template key (reply keys not shipped fall back to a shipped reply)."""
    template = DEFAULTS.get(key) or DEFAULTS["reply.request_information"]
    return dict(template.versions[locale])


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    tenant = factory.SubFactory(TenantFactory)
    key = "order.shipped"
    trigger = factory.LazyAttribute(lambda o: trigger_for_key(o.key).key)
    name = factory.LazyAttribute(lambda o: trigger_for_key(o.key).name)
    is_reply = factory.LazyAttribute(lambda o: o.trigger == "reply")


class TemplateVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateVersion

    template = factory.SubFactory(MessageTemplateFactory)
    tenant = factory.SelfAttribute("template.tenant")
    locale = "en"
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.DRAFT
    author = factory.SubFactory(UserFactory)

    email_subject = factory.LazyAttribute(lambda o: o.content["email_subject"])
    email_text = factory.LazyAttribute(lambda o: o.content["email_text"])
    email_html = factory.LazyAttribute(lambda o: o.content["email_html"])
    sms_text = factory.LazyAttribute(lambda o: o.content["sms_text"])
    voice_script = factory.LazyAttribute(lambda o: o.content["voice_script"])
    portal_text = factory.LazyAttribute(lambda o: o.content["portal_text"])

    class Params:
        content = factory.LazyAttribute(lambda o: default_content(o.template.key, o.locale))
        approved = factory.Trait(status=VersionStatus.APPROVED)
        submitted = factory.Trait(status=VersionStatus.SUBMITTED)
