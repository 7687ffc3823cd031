"""A Postmark-compatible fake ESP: `POST /email` and `/email/batch`, as anymail's Postmark backend uses them.

Besides the failure modes of `base.FakeProvider` it knows per-address outcomes, as Postmark answers them:
    hard_bounce   addresses Postmark has marked inactive: 422 / ErrorCode 406 (batch: per message)
    invalid       addresses Postmark cannot parse: 422 / ErrorCode 300 "Invalid 'To' address"
    bounce_later  accepted, then a HardBounce receipt instead of a Delivery (needs `callbacks`)
With `callbacks` on and `tracking_url` set (credentials in the URL: http://user:pass@host/...), every
accepted message gets a Delivery (or Bounce) tracking webhook, as Postmark would post it.

    python -m tests.fakes.esp --port 8025 --fail-rate 0.3
"""

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.fakes.base import FakeProvider, Response, run_from_command_line


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _address(to_header: str) -> str:
    """The bare address of a `"Name" <a@b>` or `a@b` header value, lowercased as Postmark reports it."""
    return to_header.rsplit("<", 1)[-1].rstrip(">").strip().lower()


class FakeEsp(FakeProvider):
    name = "fake-esp"
    configurable = {"server_token", "hard_bounce", "invalid", "bounce_later", "tracking_url"}

    def reset_provider(self) -> None:
        self.server_token = "fake-postmark-token"
        self.hard_bounce: set[str] = set()
        self.invalid: set[str] = set()
        self.bounce_later: set[str] = set()
        self.tracking_url = ""

    def error(self, status: int) -> Response:
        texts = {429: "Rate limit exceeded.", 500: "Internal server error."}
        return status, {"ErrorCode": status, "Message": texts.get(status, "Error.")}

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        if method != "POST" or path not in ("/email", "/email/batch"):
            return 404, {"ErrorCode": 404, "Message": "Not found."}
        if headers.get("X-Postmark-Server-Token") != self.server_token:
            return 401, {"ErrorCode": 10, "Message": "Request does not contain a valid Server token."}
        try:
            data = json.loads(body)
        except ValueError:
            return 400, {"ErrorCode": 402, "Message": "Received invalid JSON input."}
        if path == "/email":
            outcome = self._one(data, endpoint="email")
            return (200 if outcome["ErrorCode"] == 0 else 422), outcome
        if not isinstance(data, list) or len(data) > 500:
            return 422, {"ErrorCode": 300, "Message": "Batch must be a list of at most 500 messages."}
        return 200, [self._one(message, endpoint="email/batch") for message in data]

    def _one(self, message: dict[str, Any], *, endpoint: str) -> dict[str, Any]:
        to = str(message.get("To", ""))
        address = _address(to)
        if address in self.invalid or "@" not in address:
            return {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{address}'."}
        if address in self.hard_bounce:
            return {
                "ErrorCode": 406,
                "Message": "You tried to send to a recipient that has been marked as inactive.\n"
                f"Found inactive addresses: {address}.\n"
                "Inactive recipients are ones that have generated a hard bounce or a spam complaint. ",
            }
        message_id = str(uuid.uuid4())
        # accepted_at (epoch seconds) lets benchmarks measure latency up to the provider's acceptance.
        self.record(
            {
                **message,
                "MessageID": message_id,
                "endpoint": endpoint,
                "received_at": _now(),
                "accepted_at": time.time(),
            }
        )
        self.schedule_callback(lambda: self._post_receipt(message_id, address, message.get("Metadata") or {}))
        return {"To": to, "SubmittedAt": _now(), "MessageID": message_id, "ErrorCode": 0, "Message": "OK"}

    def _post_receipt(self, message_id: str, address: str, metadata: dict[str, str]) -> None:
        if not self.tracking_url:
            return
        if address in self.bounce_later:
            event = {
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "TypeCode": 1,
                "ID": uuid.uuid4().int % 10**10,
                "Email": address,
                "BouncedAt": _now(),
                "Description": "The server was unable to deliver your message (ex: unknown user).",
                "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
            }
        else:
            event = {
                "RecordType": "Delivery",
                "Recipient": address,
                "DeliveredAt": _now(),
                "Details": "Test delivery",
            }
        event.update(
            {"MessageID": message_id, "Metadata": metadata, "ServerID": 1, "MessageStream": "outbound"}
        )
        parts = urlsplit(self.tracking_url)
        bare_url = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], *parts[2:]))
        auth = (parts.username, parts.password) if parts.username else None
        self.post_callback(bare_url, json=event, auth=auth)


if __name__ == "__main__":
    run_from_command_line(FakeEsp, "Postmark-compatible fake ESP")
