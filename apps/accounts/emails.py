"""Mail to staff about their account. Sent after the transaction that warrants it has committed."""

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)


def set_password_link(*, user: User, base_url: str) -> str:
    """A one-time link to choose a password, on the tenant's host (`base_url`, no trailing slash).

    It is Django's password-reset link: spent once the password changes, expires after
    PASSWORD_RESET_TIMEOUT.
    """
    path = reverse(
        "web:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{base_url}{path}"


def send_invitation(*, tenant: Tenant, user: User, inviter: User | None, base_url: str) -> None:
    """Tell a new member they were added: with a set-password link when they have no password yet,
    else how to sign in with the one they use for their other tenants.

    A failure is logged, not raised: the membership already exists and the person can ask for a
    fresh link with "Forgot your password?" on the sign-in page.
    """
    context = {
        "tenant": tenant,
        "user": user,
        "inviter": inviter,
        "link": "" if user.has_usable_password() else set_password_link(user=user, base_url=base_url),
        "login_url": f"{base_url}{reverse('web:login')}",
    }
    subject = render_to_string("web/email/invitation_subject.txt", context).strip()
    body = render_to_string("web/email/invitation.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # any transport failure; see docstring
        logger.exception("Could not send the invitation mail to user %s", user.pk)
