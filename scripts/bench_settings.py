"""Settings of `make bench` (scripts/bench): production's, plus the benchmark's one-query page.

Only the benchmark uses this module, so the ceiling page is never part of the deployed portal.
Static files are collected outside the checkout (whitenoise's manifest needs them).
"""

import os

from imi_portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/imi-bench-static")  # noqa: S108
