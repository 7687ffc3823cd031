"""pytest fixtures that start a fake provider and point the real client code at it.

Import them into a conftest (`from tests.fakes.fixtures import fake_esp, fake_twilio`).
"""

import pytest

from tests.fakes.esp import FakeEsp
from tests.fakes.twilio import FakeTwilio

# Short, so "timeout" failures cost a second, yet far above a healthy local answer.
TEST_TIMEOUT_SECONDS = 1.0


@pytest.fixture
def fake_esp(settings):
    """A Postmark-compatible fake; the REAL anymail Postmark backend sends to it."""
    server = FakeEsp().start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.NOTIFY_HTTP_TIMEOUT_SECONDS = TEST_TIMEOUT_SECONDS
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "POSTMARK_SERVER_TOKEN": server.server_token,
        "POSTMARK_API_URL": f"{server.url}/",
        "REQUESTS_TIMEOUT": TEST_TIMEOUT_SECONDS,
    }
    yield server
    server.stop()


@pytest.fixture
def fake_twilio(settings):
    """A fake Twilio API; the REAL twilio client sends to it through TWILIO_API_BASE."""
    server = FakeTwilio().start()
    settings.TWILIO_ACCOUNT_SID = server.account_sid
    settings.TWILIO_AUTH_TOKEN = server.auth_token
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_API_BASE = server.url
    settings.NOTIFY_HTTP_TIMEOUT_SECONDS = TEST_TIMEOUT_SECONDS
    yield server
    server.stop()
