"""The fake providers themselves: control endpoints, receipts they post back, and running as a process."""

import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import requests
from twilio.request_validator import RequestValidator

from apps.notifications.channels.registry import channel_for
from tests.fakes.esp import FakeEsp
from tests.notifications.factories import outbound

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A tiny HTTP server that keeps every POST it gets (standing in for our webhook endpoints)."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.received = threading.Event()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.posts.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()
                recorder.received.set()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.close()


def test_control_endpoints_configure_list_and_reset_a_fake():
    fake = FakeEsp().start()
    try:
        assert requests.post(f"{fake.url}/_fake/config", json={"hard_bounce": ["x@y.test"]}, timeout=5).ok
        assert fake.hard_bounce == {"x@y.test"}
        assert requests.post(f"{fake.url}/_fake/config", json={"nonsense": 1}, timeout=5).status_code == 400
        fake.record({"To": "a@b.test"})
        assert requests.get(f"{fake.url}/_fake/messages", timeout=5).json() == [{"To": "a@b.test"}]
        requests.post(f"{fake.url}/_fake/reset", timeout=5)
        assert fake.messages == [] and fake.hard_bounce == set()
    finally:
        fake.stop()


def test_fail_rate_fails_about_that_share_of_requests():
    fake = FakeEsp(seed=1)
    fake.configure(fail_rate=0.3, fail_kinds=["500"])

    statuses = [fake.dispatch("POST", "/email/batch", {}, b"[]")[0] for _ in range(1000)]

    assert 250 < statuses.count(500) < 350


@pytest.mark.django_db
def test_fake_esp_posts_delivery_and_bounce_receipts_with_basic_auth(fake_esp, recorder):
    fake_esp.configure(
        callbacks=True,
        tracking_url=f"http://hook:pw@{recorder.url[7:]}/hook",
        bounce_later={"gone@example.test"},
    )

    accepted = channel_for("email").send(outbound(1))
    channel_for("email").send(outbound(1, to="gone@example.test"))
    while len(recorder.posts) < 2:
        assert recorder.received.wait(5)
        recorder.received.clear()

    delivery, bounce = (json.loads(post["body"]) for post in recorder.posts)
    assert (delivery["RecordType"], delivery["MessageID"]) == ("Delivery", accepted.provider_message_id)
    assert delivery["Metadata"] == {"tenant_id": "1"}
    assert (bounce["RecordType"], bounce["Type"]) == ("Bounce", "HardBounce")
    assert recorder.posts[0]["headers"]["Authorization"] == "Basic aG9vazpwdw=="


@pytest.mark.django_db
def test_fake_twilio_posts_signed_status_callbacks(fake_twilio, recorder, actors, monkeypatch):
    fake_twilio.configure(callbacks=True, undeliverable_numbers={"+447700900999"})
    monkeypatch.setattr(
        "apps.notifications.channels.twilio_client.status_callback_url",
        lambda tenant_id: f"{recorder.url}/status",
    )

    sent = channel_for("sms").send(outbound(actors.tenant_a.pk, "sms", to="+447700900999"))
    assert recorder.received.wait(5)

    post = recorder.posts[0]
    params = dict(parse_qsl(post["body"].decode()))
    assert params == {
        "MessageSid": sent.provider_message_id,
        "AccountSid": fake_twilio.account_sid,
        "To": "+447700900999",
        "MessageStatus": "undelivered",
        "ErrorCode": "30005",
    }
    validator = RequestValidator(fake_twilio.auth_token)
    assert validator.validate(f"{recorder.url}/status", params, post["headers"]["X-Twilio-Signature"])


@pytest.mark.parametrize("module", ["tests.fakes.esp", "tests.fakes.twilio"])
def test_fakes_run_as_their_own_process(module):
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0", "--fail-rate", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        assert line.startswith("fake-") and url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/_fake/messages", timeout=5).json() == []
    finally:
        process.terminate()
        process.wait(10)
