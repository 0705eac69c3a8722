"""One page under load, for scripts/bench: BENCH_PATH, with the session cookie BENCH_COOKIE.

BENCH_RATE_PER_USER set: each user sends that many requests a second (constant rate: users x
rate); unset: each user sends the next request as soon as the last one is answered (saturation).
Anything but a 200 is an error (a redirect to the login page included).
"""

import os

from locust import FastHttpUser, constant, constant_throughput, task

PATH = os.environ["BENCH_PATH"]
COOKIE = os.environ.get("BENCH_COOKIE", "")
RATE = float(os.environ.get("BENCH_RATE_PER_USER") or 0)


class Page(FastHttpUser):
    wait_time = constant_throughput(RATE) if RATE else constant(0)
    network_timeout = 60.0
    connection_timeout = 60.0

    @task
    def get(self) -> None:
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(
            PATH, headers=headers, name="page", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
