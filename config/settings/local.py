"""Development (`make run`): debug on, mail to the console, strict tenancy guard."""

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405
INTERNAL_IPS = ["127.0.0.1"]
