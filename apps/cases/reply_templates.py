"""Approved reply templates in the case page's composer: which to offer, and one rendered for a case.

The text is rendered with the real data of the case and its customer (the same variables the
notification pipeline gives the `reply` trigger), in the customer's language, for the channel the
agent is about to send by; the agent then edits it like any text they typed. Only approved
versions are offered, so nothing unreviewed reaches a customer by this route either.
"""

from apps.cases.models import Case
from apps.message_templates.models import TemplateVersion
from apps.message_templates.rendering import CHANNEL_FIELDS, TemplateRenderError, render_version
from apps.message_templates.selectors import reply_templates
from apps.message_templates.triggers import REPLY
from apps.notifications.outbox.context import trigger_context

# Reply channels without template content of their own: a logged phone call reads like an email.
RENDERED_AS = {"phone": "email"}


def reply_template_choices(*, case: Case) -> list[TemplateVersion]:
    """The approved reply templates for the case's customer, in their language where there is one."""
    return reply_templates(tenant=case.tenant, locale=case.customer.locale)


def reply_template_text(*, case: Case, version_id: int, channel: str) -> str:
    """The text of one offered template for this case, ready to edit; '' if it is not offered."""
    version = next((v for v in reply_template_choices(case=case) if v.pk == version_id), None)
    if version is None:
        return ""
    context = trigger_context(
        template_key=REPLY, tenant=case.tenant, customer=case.customer, order=case.order, case=case
    )
    wanted = RENDERED_AS.get(channel, channel)
    # The channel asked for first (if it is one templates know), then any the version has content for.
    for candidate in dict.fromkeys([wanted, *CHANNEL_FIELDS]):
        if candidate not in CHANNEL_FIELDS:
            continue
        try:
            return render_version(version=version, channel=candidate, context=context).text
        except TemplateRenderError:
            continue
    return ""
