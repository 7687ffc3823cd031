"""scripts/devenv.py writes a DATABASE_URL for the embedded PostgreSQL that the settings can use."""

import importlib.util
from pathlib import Path

import environ
from django.conf import settings


def load_devenv():
    spec = importlib.util.spec_from_file_location("devenv", settings.BASE_DIR / "scripts" / "devenv.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_database_url_for_a_unix_socket_parses_into_the_socket_directory_and_database():
    devenv = load_devenv()
    socket_dir = Path("/srv/my projects/tidings+copy/var/pg")  # spaces and "+" must survive

    config = environ.Env.db_url_config(devenv.database_url(socket_dir, 5433))

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == str(socket_dir)
    assert config["PORT"] == 5433
    assert config["NAME"] == "tidings"
    assert config["USER"] == "tidings"
