"""Which language the portal speaks: the customer's own once signed in, else what the visitor chose
or their browser asks for, else the tenant's default. Only languages in settings.LANGUAGES count."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

from apps.customers.models import Customer
from apps.tenants.models import Tenant

SESSION_LANGUAGE = "portal_language"


def supported(code: str) -> str:
    """The supported language for a code such as "de-AT" ("de"), or ""."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in {language for language, _ in settings.LANGUAGES} else ""


def tenant_language(tenant: Tenant) -> str:
    return supported(tenant.default_locale) or settings.LANGUAGE_CODE


def customer_language(customer: Customer) -> str:
    """The language of messages to a customer (no request involved)."""
    return supported(customer.locale) or tenant_language(customer.tenant)


def request_language(request: HttpRequest, customer: Customer | None) -> str:
    if customer is not None and supported(customer.locale):
        return supported(customer.locale)
    chosen = supported(request.session.get(SESSION_LANGUAGE, ""))
    if chosen:
        return chosen
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if supported(code):
            return supported(code)
    return tenant_language(request.tenant)
