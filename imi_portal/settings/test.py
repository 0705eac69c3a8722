"""pytest. PostgreSQL and Redis when DATABASE_URL / REDIS_URL point at them (CI always does)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test_private_media"
CACHES = {
    "default": {
        **CACHES["default"],  # noqa: F405
        "KEY_PREFIX": "imi-test",
    }
}
# Tests run Celery in-process unless a test starts a real worker against Redis itself.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Browser tests compute a TOTP code then submit it: accept the neighbouring 30-second window so a
# code computed just before a boundary isn't refused (production keeps allauth's default).
MFA_TOTP_TOLERANCE = 1
