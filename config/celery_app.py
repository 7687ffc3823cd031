"""The Celery application: broker and result backend from REDIS_URL, tasks autodiscovered from apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tidings")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
