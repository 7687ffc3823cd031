"""A fake Twilio REST API: `POST /2010-04-01/Accounts/{sid}/Messages.json` and `.../Calls.json`.

It checks HTTP basic auth (account SID and auth token) as Twilio does and answers with Twilio's JSON.
Besides the failure modes of `base.FakeProvider` it knows per-number outcomes:
    invalid_numbers        400, code 21211 (not a valid phone number)
    unsubscribed_numbers   400, code 21610 (the recipient replied STOP)
    landline_numbers       400, code 21614 (not a mobile number; SMS only)
    undeliverable_numbers  accepted, then an `undelivered` receipt with ErrorCode 30005 (needs `callbacks`)
With `callbacks` on, each accepted message or call gets a status callback to its `StatusCallback` URL,
signed with X-Twilio-Signature like Twilio's.

    python -m tests.fakes.twilio --port 8026 --fail-rate 0.3
"""

import base64
import re
import time
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator

from tests.fakes.base import FakeProvider, Response, run_from_command_line

ENDPOINT = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/(?P<kind>Messages|Calls)\.json$")
GSM_SINGLE, GSM_MULTI = 160, 153


def _auth_ok(header: str, account_sid: str, auth_token: str) -> bool:
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    return user == account_sid and password == auth_token


class FakeTwilio(FakeProvider):
    name = "fake-twilio"
    configurable = {
        "account_sid",
        "auth_token",
        "invalid_numbers",
        "unsubscribed_numbers",
        "landline_numbers",
        "undeliverable_numbers",
    }

    def reset_provider(self) -> None:
        self.account_sid = "AC" + "f" * 32
        self.auth_token = "fake-twilio-auth-token"
        self.invalid_numbers: set[str] = set()
        self.unsubscribed_numbers: set[str] = set()
        self.landline_numbers: set[str] = set()
        self.undeliverable_numbers: set[str] = set()

    def error(self, status: int, code: int | None = None, message: str = "") -> Response:
        code = code or {429: 20429, 401: 20003, 404: 20404}.get(status, 20500)
        message = message or {429: "Too Many Requests", 401: "Authenticate"}.get(
            status, "Internal Server Error"
        )
        return status, {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        match = ENDPOINT.match(path)
        if method != "POST" or not match:
            return self.error(404, message="The requested resource was not found")
        if match["sid"] != self.account_sid or not _auth_ok(
            headers.get("Authorization", ""), self.account_sid, self.auth_token
        ):
            return self.error(401)
        params = dict(parse_qsl(body.decode()))
        to = params.get("To", "")
        if to in self.invalid_numbers:
            return self.error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if to in self.unsubscribed_numbers and match["kind"] == "Messages":
            return self.error(400, 21610, "Attempt to send to unsubscribed recipient")
        if to in self.landline_numbers and match["kind"] == "Messages":
            return self.error(400, 21614, f"'To' number {to} is not a valid mobile number")
        resource = self._message(params) if match["kind"] == "Messages" else self._call(params)
        self.record({**params, "sid": resource["sid"], "kind": match["kind"], "accepted_at": time.time()})
        callback = params.get("StatusCallback")
        if callback:
            self.schedule_callback(lambda: self._post_status(callback, resource, to))
        return 201, resource

    def _common(self, prefix: str, params: dict[str, str]) -> dict[str, Any]:
        sid = prefix + uuid.uuid4().hex
        now = format_datetime(datetime.now(UTC), usegmt=True)
        kind = "Messages" if prefix == "SM" else "Calls"
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": params.get("To"),
            "from": params.get("From"),
            "status": "queued",
            "date_created": now,
            "date_updated": now,
            "api_version": "2010-04-01",
            "price": None,
            "price_unit": "USD",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/{kind}/{sid}.json",
        }

    def _message(self, params: dict[str, str]) -> dict[str, Any]:
        body = params.get("Body", "")
        segments = 1 if len(body) <= GSM_SINGLE else -(-len(body) // GSM_MULTI)
        return {
            **self._common("SM", params),
            "body": body,
            "num_segments": str(segments),
            "num_media": "0",
            "direction": "outbound-api",
            "messaging_service_sid": None,
            "error_code": None,
            "error_message": None,
            "date_sent": None,
        }

    def _call(self, params: dict[str, str]) -> dict[str, Any]:
        return {
            **self._common("CA", params),
            "direction": "outbound-api",
            "duration": None,
            "answered_by": None,
        }

    def _post_status(self, url: str, resource: dict[str, Any], to: str) -> None:
        if resource["sid"].startswith("SM"):
            params = {"MessageSid": resource["sid"], "AccountSid": self.account_sid, "To": to}
            if to in self.undeliverable_numbers:
                params.update(MessageStatus="undelivered", ErrorCode="30005")
            else:
                params["MessageStatus"] = "delivered"
        else:
            params = {
                "CallSid": resource["sid"],
                "AccountSid": self.account_sid,
                "To": to,
                "CallStatus": "completed",
            }
            params["Timestamp"] = format_datetime(datetime.now(UTC), usegmt=True)
        signature = RequestValidator(self.auth_token).compute_signature(url, params)
        self.post_callback(url, data=params, headers={"X-Twilio-Signature": signature})


if __name__ == "__main__":
    run_from_command_line(FakeTwilio, "Fake Twilio REST API (messages and calls)")
