"""The sign-in code message (email with an optional link, or SMS), in the customer's language.

A sign-in code is not a customer notification: it is not made from a template the tenant edits
and does not go through the notification outbox; `tasks.send_sign_in_code` hands it straight to
the channel (docs/portal.md, "Sign-in").
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.notifications.channels.base import OutboundMessage
from apps.portal.branding import brand_palette
from apps.portal.i18n import customer_language
from apps.portal.links import portal_base_url
from apps.portal.models import SignInChannel, SignInCode
from apps.tenants.models import Tenant


def sign_in_code_message(
    *, tenant: Tenant, row: SignInCode, code: str, link_token: str, base_url: str
) -> OutboundMessage:
    minutes = settings.PORTAL_CODE_TTL_SECONDS // 60
    common = {
        "tenant_id": tenant.pk,
        "to": row.contact_point.value,
        "idempotency_key": f"portal-sign-in-{row.pk}",
        "sender_name": tenant.public_name,
        "metadata": {"kind": "portal_sign_in"},
    }
    with translation.override(customer_language(row.customer)):
        if row.channel == SignInChannel.SMS:
            text = _(
                "%(code)s is your sign-in code for %(company)s. It expires in %(minutes)s minutes. "
                "Never share it with anyone."
            ) % {"code": code, "company": tenant.public_name, "minutes": minutes}
            return OutboundMessage(channel=SignInChannel.SMS, text=text, **common)
        link = ""
        if link_token:
            link = (base_url or portal_base_url(tenant)) + reverse("portal:sign_in_link", args=[link_token])
        context = {
            "tenant": tenant,
            "code": code,
            "link": link,
            "minutes": minutes,
            "first_name": row.customer.first_name,
            "brand": brand_palette(tenant.brand_colour),
        }
        subject = _("%(code)s is your sign-in code for %(company)s") % {
            "code": code,
            "company": tenant.public_name,
        }
        return OutboundMessage(
            channel=SignInChannel.EMAIL,
            subject=subject,
            text=render_to_string("portal/email/sign_in_code.txt", context),
            html=render_to_string("portal/email/sign_in_code.html", context),
            **common,
        )
