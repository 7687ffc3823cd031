"""Shared machinery of the fake provider servers: serving, recording, failure injection, control, callbacks.

A fake runs `ThreadingHTTPServer` on 127.0.0.1 in a background thread, either inside a test (the
`fake_esp` / `fake_twilio` fixtures) or as its own process (`python -m tests.fakes.esp --port N`) for
integration tests and benchmarks with a real Celery worker. Its state is plain attributes under a lock;
a separate process is steered through control endpoints:

    GET  /_fake/messages   every accepted message, as JSON
    POST /_fake/config     JSON object of attributes to set, e.g. {"fail_rate": 0.3}
    POST /_fake/reset      forget messages and failure settings

Failure injection, applied to API requests before the provider logic runs:
    fail_rate     share of requests (0..1) that fail with a random kind from `fail_kinds`
    fail_next     list of kinds for the next requests, consumed first ("500", "429", "timeout")
    hang_seconds  how long a "timeout" request hangs (longer than the client's timeout), then 500
"""

import argparse
import contextlib
import json
import queue
import random
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

Response = tuple[int, dict[str, Any] | list[Any]]
CONFIGURABLE = {"fail_rate", "fail_kinds", "fail_next", "hang_seconds", "callbacks", "callback_connect_host"}


class FakeProvider:
    """Subclasses implement `handle(method, path, headers, body) -> (status, json)` and `error(status)`."""

    name = "fake"
    configurable: set[str] = set()

    def __init__(self, *, seed: int = 7) -> None:
        self.lock = threading.Lock()
        self._random = random.Random(seed)
        self._stopping = threading.Event()
        self._callbacks: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.server: ThreadingHTTPServer | None = None
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.messages: list[dict[str, Any]] = []
            self.requests = 0
            self.fail_rate = 0.0
            self.fail_kinds = ["500", "429", "timeout"]
            self.fail_next: list[str] = []
            self.hang_seconds = 30.0
            self.callbacks = False  # post delivery receipts back (see `schedule_callback`)
            # Connect callbacks to this address, keeping the URL's host in the Host header: tenant hosts
            # such as alpha.localhost do not resolve outside a browser.
            self.callback_connect_host = ""
            self.reset_provider()

    def reset_provider(self) -> None:
        """Provider-specific state; called under the lock."""

    # Provider interface

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        raise NotImplementedError

    def error(self, status: int) -> Response:
        raise NotImplementedError

    # Failure injection

    def _failure(self) -> str | None:
        with self.lock:
            self.requests += 1
            if self.fail_next:
                return self.fail_next.pop(0)
            if self.fail_rate and self._random.random() < self.fail_rate:
                return self._random.choice(self.fail_kinds)
        return None

    def dispatch(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        if path.startswith("/_fake/"):
            return self._control(method, path, body)
        kind = self._failure()
        if kind == "timeout":
            self._stopping.wait(self.hang_seconds)
            return self.error(500)
        if kind is not None:
            return self.error(int(kind))
        return self.handle(method, path, headers, body)

    def _control(self, method: str, path: str, body: bytes) -> Response:
        if method == "GET" and path == "/_fake/messages":
            with self.lock:
                return 200, list(self.messages)
        if method == "POST" and path == "/_fake/reset":
            self.reset()
            return 200, {"ok": True}
        if method == "POST" and path == "/_fake/config":
            changes = json.loads(body or b"{}")
            unknown = set(changes) - CONFIGURABLE - self.configurable
            if unknown:
                return 400, {"error": f"unknown settings {sorted(unknown)}"}
            self.configure(**changes)
            return 200, {"ok": True}
        return 404, {"error": "no such control endpoint"}

    def configure(self, **changes: Any) -> None:
        with self.lock:
            for key, value in changes.items():
                setattr(self, key, set(value) if isinstance(getattr(self, key, None), set) else value)

    def record(self, message: dict[str, Any]) -> None:
        with self.lock:
            self.messages.append(message)

    # Delivery receipts, posted from one background thread so the API answer is not delayed

    def schedule_callback(self, post: Callable[[], None]) -> None:
        if self.callbacks:
            self._callbacks.put(post)

    def post_callback(self, url: str, **kwargs: Any) -> None:
        """POST a receipt to `url` (honouring `callback_connect_host`), as the provider would."""
        parts = urlsplit(url)
        if self.callback_connect_host:
            kwargs["headers"] = {**kwargs.get("headers", {}), "Host": parts.netloc.rsplit("@", 1)[-1]}
            port = f":{parts.port}" if parts.port else ""
            url = urlunsplit((parts.scheme, f"{self.callback_connect_host}{port}", *parts[2:]))
        requests.post(url, timeout=5, **kwargs)

    def _callback_worker(self) -> None:
        while (post := self._callbacks.get()) is not None:
            # Like a real provider's, a receipt that cannot be delivered is dropped.
            with contextlib.suppress(requests.RequestException):
                post()

    # Serving

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the fake first"
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, port: int = 0) -> "FakeProvider":
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-server",
            daemon=True,
        ).start()
        threading.Thread(target=self._callback_worker, name=f"{self.name}-callbacks", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes requests hanging in "timeout" mode
        self._callbacks.put(None)
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _handler_for(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without TCP_NODELAY the second waits for the client's
        # delayed ACK (~40 ms) on every kept-alive request, which no real provider makes us wait.
        disable_nagle_algorithm = True

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                # The client died mid-request (a killed worker): a real API never acts on half a body.
                self.close_connection = True
                return
            path = self.path.split("?", 1)[0]
            status, payload = provider.dispatch(method, path, dict(self.headers.items()), body)
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout) before we answered

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output and benchmark logs clean

    return Handler


def run_from_command_line(provider_class: type[FakeProvider], description: str) -> None:
    """`python -m tests.fakes.<name> --port N [--fail-rate 0.3] [--callbacks]`: print URL, serve forever."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed on start)")
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    parser.add_argument("--callbacks", action="store_true", help="post delivery receipts back")
    parser.add_argument("--callback-connect-host", default="", help="e.g. 127.0.0.1 for *.localhost tenants")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    provider = provider_class(seed=arguments.seed)
    provider.configure(
        fail_rate=arguments.fail_rate,
        hang_seconds=arguments.hang_seconds,
        callbacks=arguments.callbacks,
        callback_connect_host=arguments.callback_connect_host,
    )
    provider.start(arguments.port)
    print(f"{provider.name} listening on {provider.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        provider.stop()
