"""Settings of the benchmark's processes: the base settings (as deployed: persistent database
connections, real provider clients) with email through anymail's Postmark backend, whose URL and
token, like Twilio's, the benchmark points at the fake providers through the environment."""

from config.settings.base import *  # noqa: F403

EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
DEV_OUTBOX = False
PUBLIC_URL_SCHEME = "http"
