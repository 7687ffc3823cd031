"""Test settings: real PostgreSQL and Redis (from DATABASE_URL / REDIS_URL), fast password hashing."""

from .base import *  # noqa: F403

DEBUG = False
TENANCY_STRICT = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Channels use the real provider clients; tests point them at tests/fakes (fixtures fake_esp, fake_twilio).
DEV_OUTBOX = False
PUBLIC_URL_SCHEME = "http"
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="tidings-test")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"api_key": "1000/min"}  # noqa: F405
