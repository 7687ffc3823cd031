"""Run the development stack in one terminal: web server, Celery worker and Celery beat.

Each process's output is prefixed with its name. Ctrl-C (SIGINT) or SIGTERM stops all three; when
one of them exits on its own, the others are stopped and this script exits non-zero. `make run`
calls it after starting the services, migrating and loading the demo data.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PORT = int(os.environ.get("BASE_PORT", "8000"))  # same variable as the settings' BASE_PORT
STOP_GRACE_SECONDS = 15

PROCESSES = {
    "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{PORT}"],
    "worker": [str(BIN / "celery"), "-A", "config", "worker", "-l", "info", "--concurrency", "2"],
    "beat": [
        str(BIN / "celery"), "-A", "config", "beat", "-l", "info",
        "--schedule", str(ROOT / "var" / "celerybeat-schedule"),
    ],
}  # fmt: skip

URLS = [
    ("Staff app (demo tenant acme)", f"http://acme.localhost:{PORT}/app/"),
    ("Customer portal", f"http://acme.localhost:{PORT}/portal/"),
    ("Second tenant (globex)", f"http://globex.localhost:{PORT}/"),
    ("API docs", f"http://acme.localhost:{PORT}/api/v1/docs/"),
    ("API schema", f"http://acme.localhost:{PORT}/api/v1/schema/"),
    ("Dev outbox (mail and SMS sent)", f"http://acme.localhost:{PORT}/app/dev-outbox/"),
]

_print_lock = threading.Lock()


def emit(name: str, line: str) -> None:
    with _print_lock:
        sys.stdout.write(f"{name:<7} | {line}")
        if not line.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()


def die_with_parent() -> None:
    """In the child: get SIGTERM if this script dies, even by SIGKILL, so nothing is left behind (Linux)."""
    pr_set_pdeathsig = 1
    # Not Linux (no prctl): Ctrl-C and SIGTERM still stop the children.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start(name: str, command: list[str]) -> subprocess.Popen:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", **os.environ, "PYTHONUNBUFFERED": "1"}
    # A session of its own: the terminal's Ctrl-C reaches only this script, which stops the
    # children in order and can tell a requested stop from a crash.
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
        preexec_fn=die_with_parent,  # safe: the output threads start only after all children exist
    )


def pump(name: str, process: subprocess.Popen) -> None:
    for line in process.stdout:
        emit(name, line)


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def print_banner() -> None:
    width = max(len(label) for label, _ in URLS)
    lines = ["", f"Tidings is running: web on port {PORT}, Celery worker, Celery beat.", ""]
    lines += [f"  {label:<{width}}  {url}" for label, url in URLS]
    lines += ["", "  Demo sign-ins are printed by seed_demo above. Ctrl-C stops everything.", ""]
    with _print_lock:
        print("\n".join(lines), flush=True)


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # the group: runserver's reloader child too
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            emit("tidings", f"{name} did not stop within {STOP_GRACE_SECONDS} s: killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    if port_in_use(PORT):
        print(f"run_dev: port {PORT} is already in use; stop whatever listens there first.", file=sys.stderr)
        return 1
    stop_requested = threading.Event()

    def request_stop(signum: int, _frame) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    processes = {name: start(name, command) for name, command in PROCESSES.items()}
    pumps = [threading.Thread(target=pump, args=item, daemon=True) for item in processes.items()]
    for thread in pumps:
        thread.start()
    emit("tidings", "starting web, worker and beat")

    exit_code = 0
    banner_shown = False
    while not stop_requested.wait(0.5):
        if not banner_shown and port_in_use(PORT):  # print the URLs once the web server listens
            print_banner()
            banner_shown = True
        crashed = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        if crashed:
            for name, code in crashed.items():
                emit("tidings", f"{name} exited with status {code}; stopping the others")
            exit_code = 1
            break
    if exit_code == 0:
        emit("tidings", "stopping web, worker and beat")

    stop_all(processes)
    for thread in pumps:
        thread.join(timeout=2)
    emit("tidings", "all stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
