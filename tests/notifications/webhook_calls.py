"""Calling our webhooks the way Postmark and Twilio do: basic auth, or an X-Twilio-Signature."""

import base64
import json

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import client_for

POSTMARK_CREDENTIALS = "postmark:s3cret-hook"
TWILIO_TOKEN = "twilio-test-token"


@pytest.fixture
def webhook_secrets(settings):
    """The secrets our webhooks check, as the tests' callers know them."""
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": POSTMARK_CREDENTIALS}
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN


def postmark_post(tenant, path: str, payload, credentials: str | None = POSTMARK_CREDENTIALS):
    """POST a Postmark webhook body (a dict, or raw text) with HTTP basic auth `credentials`."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {}
    if credentials:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    return client_for(tenant).post(path, body, content_type="application/json", **headers)


def twilio_post(tenant, path: str, params: dict, token: str = TWILIO_TOKEN, signed_host: str = ""):
    """POST form parameters signed like Twilio signs them: over the full URL (of `signed_host`, if given)."""
    url = f"http://{signed_host or tenant.slug + '.localhost'}{path}"
    signature = RequestValidator(token).compute_signature(url, params)
    return client_for(tenant).post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
