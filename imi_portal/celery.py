"""The Celery app, configured from Django settings (CELERY_*); the beat schedule is here, in UTC."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imi_portal.settings.local")

app = Celery("imi_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place the periodic schedule is defined (issues add their daily sweeps here).
app.conf.beat_schedule = {}
