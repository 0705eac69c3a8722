"""The Celery app, configured from Django settings (CELERY_*); the beat schedule is here, in UTC."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imi_portal.settings.local")

app = Celery("imi_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place the periodic schedule is defined. Times are UTC (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    "close-ended-cycles-daily": {
        "task": "register.tasks.close_ended_cycles",
        "schedule": crontab(hour=2, minute=0),  # R8.1: before the reminder sweep
    },
    "sweep-reminders-daily": {
        "task": "register.tasks.sweep_reminders",
        "schedule": crontab(hour=6, minute=0),  # R5: progress reminders, once a day
    },
}
