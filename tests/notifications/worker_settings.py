"""Settings of the Celery worker, beat and benchmark processes started by the integration tests.

The test settings, except that email goes through the real anymail Postmark backend (its URL and
token, like Twilio's, come from the environment the test gives the process: the fake providers).
"""

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
