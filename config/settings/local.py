"""Development (`make run`): debug on, mail to the console, strict tenancy guard."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405
INTERNAL_IPS = ["127.0.0.1"]
# Mail, SMS and calls go to /app/dev-outbox/ unless that channel's provider credentials are set.
DEV_OUTBOX = env.bool("DEV_OUTBOX", default=True)  # noqa: F405
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", default="http")  # noqa: F405
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", default=BASE_PORT)  # noqa: F405
