"""The production settings pass Django's deployment checklist (`check --deploy`) without a warning."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_check_deploy_under_production_settings_reports_no_issues():
    env = {
        **os.environ,  # DATABASE_URL / REDIS_URL of this run (or var/env, which the settings read)
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for the browser tests only
    # --database default adds the database checks: the app's role must not bypass row-level security.
    command = ["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--database", "default"]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
