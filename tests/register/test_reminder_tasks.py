"""Reminders through a real Celery worker on Redis and PostgreSQL (R5.4): one email per cycle and
due date, whatever runs twice, is killed mid-send or meets an SMTP server that fails.

A worker runs inside pytest (RECIPES.md, "Celery in tests"), on a queue of each test's own so
that no stray message from another run gets in; one test runs a worker process and kills it.
They need REDIS_URL (skipped without it) and PostgreSQL for the concurrent sweeps.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from smtplib import SMTPException

import pytest
import time_machine
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone

from imi_portal.celery import app
from register import reminders, rules, tasks
from register.models import Cycle, Registrant, Reminder
from register.reminders import reminder_send, reminders_sweep
from register.tasks import send_reminder, sweep_reminders
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="needs Redis: set REDIS_URL (these run a real Celery worker against it)",
    ),
    pytest.mark.django_db(transaction=True),  # the worker reads the rows on its own connection
]
needs_postgresql = pytest.mark.skipif(
    bool(settings.REDIS_URL)
    and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL: set DATABASE_URL (row locks shared by separate connections)",
)

SEND_REMINDER = "register.tasks.send_reminder"
FINISHED = {"SUCCESS", "FAILURE"}


# --- the worker ------------------------------------------------------------------------------


class Runs:
    """Every task message published and every run of one, seen through Celery's signals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._published: set[str] = set()
        self._runs: dict[str, list[tuple[str, object]]] = defaultdict(list)

    def on_publish(self, sender=None, headers=None, **kwargs) -> None:
        with self._lock:
            self._published.add(headers["id"])

    def on_postrun(self, sender=None, task_id=None, retval=None, state=None, **kwargs) -> None:
        with self._lock:
            self._runs[task_id].append((state, retval))

    def states(self, task_id: str) -> list[str]:
        with self._lock:
            return [state for state, _ in self._runs[task_id]]

    def retval(self, task_id: str) -> object:
        with self._lock:
            return self._runs[task_id][-1][1]

    def settled(self) -> bool:
        """Every message published ran to its end (a retry publishes the same id again)."""
        with self._lock:
            return all(
                self._runs[task_id] and self._runs[task_id][-1][0] in FINISHED
                for task_id in self._published
            )

    def wait_settled(self, timeout: float = 60) -> None:
        wait_for(self.settled, what="every queued task to finish", timeout=timeout)


def wait_for(condition: Callable[[], bool], *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")
        time.sleep(0.05)


@pytest.fixture
def celery_queue(transactional_db, settings) -> Iterator[str]:
    """Tasks go through Redis (not eagerly) to a queue of this test's own."""
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_routes", "worker_hijack_root_logger")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url=settings.REDIS_URL,
        task_routes={"register.tasks.*": {"queue": queue}},
        worker_hijack_root_logger=False,  # leave pytest's log capture alone
    )
    try:
        yield queue
    finally:
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(queue)
            broker.default_channel.queue_delete(queue)
        app.conf.update(saved)


@pytest.fixture
def worker(celery_queue) -> Iterator[Runs]:
    """A real worker in this process: four threads, so tasks do run at the same time."""
    runs = Runs()
    signals.after_task_publish.connect(runs.on_publish, weak=False)
    signals.task_postrun.connect(runs.on_postrun, weak=False)
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=4,
            perform_ping_check=False,
            queues=[celery_queue],
            shutdown_timeout=30,
        ):
            yield runs
    finally:
        signals.after_task_publish.disconnect(runs.on_publish)
        signals.task_postrun.disconnect(runs.on_postrun)


@pytest.fixture
def quick_retries(monkeypatch):
    """Retries after a mail error come after a fraction of a second rather than minutes."""
    task = app.tasks[SEND_REMINDER]
    monkeypatch.setattr(task, "default_retry_delay", 0.2)  # what self.retry(exc=...) uses now
    monkeypatch.setattr(task, "retry_backoff", 1)  # a short back-off for the test
    return task


# --- mail servers ----------------------------------------------------------------------------


class FlakySMTPBackend(LocmemBackend):
    """An SMTP server that refuses the next `failures` messages, then accepts (into mail.outbox)."""

    failures = 0
    attempts = 0
    _lock = threading.Lock()

    def send_messages(self, messages):
        cls = type(self)
        with cls._lock:
            cls.attempts += 1
            failing = cls.failures > 0
            if failing:
                cls.failures -= 1
        if failing:
            raise SMTPException("451 4.3.0 Temporary local problem, try again later")
        return super().send_messages(messages)


@pytest.fixture
def smtp(settings) -> type[FlakySMTPBackend]:
    FlakySMTPBackend.failures = 0
    FlakySMTPBackend.attempts = 0
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakySMTPBackend"}}
    return FlakySMTPBackend


class WorkerLost(BaseException):
    """A worker dying mid-send (SIGKILL, out of memory): no `except Exception` sees it."""


class DyingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise WorkerLost


class FileOutbox(BaseEmailBackend):
    """The outbox of a worker in another process: a line per email sent (its Message-ID).

    While the file `hang` exists, a send writes its process id to `sending` and never returns:
    the test kills that process mid-send.
    """

    def send_messages(self, messages):
        folder = Path(os.environ["TEST_OUTBOX"])
        if (folder / "hang").exists():
            (folder / "sending.tmp").write_text(str(os.getpid()))
            (folder / "sending.tmp").rename(folder / "sending")
            while True:
                time.sleep(1)
        with (folder / "sent").open("a") as sent:
            for message in messages:
                sent.write(message.extra_headers["Message-ID"] + "\n")
        return len(messages)


# --- data and checks -------------------------------------------------------------------------


def registrants_in_every_phase(count: int, *, today: date) -> list[Cycle]:
    """Registrants who joined over the last two and a half years: cycles in their six-monthly
    and final monthly phases, the newest with nothing due yet."""
    for i in range(count):
        make_registrant(joined_on=today - timedelta(days=20 + 23 * i))
    return list(Cycle.objects.order_by("pk"))


def due_on(cycle: Cycle, *, today: date) -> date | None:
    due = rules.latest_cycle_reminder_due(
        start=cycle.start, end=cycle.end, as_of=today, grace_start=cycle.grace_start
    )
    return due.due_on if due else None


def expected_reminders(cycles: Iterable[Cycle], *, today: date) -> set[tuple[int, date]]:
    return {(c.pk, on) for c in cycles if (on := due_on(c, today=today)) is not None}


def a_due_reminder() -> Reminder:
    today = timezone.localdate()
    make_registrant(joined_on=today - timedelta(days=400))
    result = reminders_sweep(as_of=today)
    assert len(result.emails) == 1
    return Reminder.objects.get(pk=result.emails[0])


def message_id(reminder: Reminder) -> str:
    return f"<reminder-{reminder.pk}@imi-portal>"


def assert_emailed_exactly_once(reminders: Iterable[Reminder]) -> None:
    """mail.outbox holds one email per reminder, to its registrant, and nothing else."""
    reminders = list(reminders)
    sent = Counter(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert sent == Counter(message_id(r) for r in reminders)
    to = {message.extra_headers["Message-ID"]: message.to for message in mail.outbox}
    for reminder in Reminder.objects.filter(pk__in=[r.pk for r in reminders]).select_related(
        "cycle__registrant__user"
    ):
        assert to[message_id(reminder)] == [reminder.cycle.registrant.user.email]


# --- 1. the sweep run twice at once ----------------------------------------------------------


@needs_postgresql
def test_the_daily_sweep_queued_twice_at_once_emails_each_due_reminder_exactly_once(worker):
    today = timezone.localdate()
    cycles = registrants_in_every_phase(30, today=today)
    by_post = cycles[-1].registrant
    force_update(Registrant.objects.filter(pk=by_post.pk), contact_by_post=True)  # R5.5: no email
    expected = expected_reminders(cycles, today=today)
    assert 15 < len(expected) < len(cycles)  # some due, some not yet

    first, second = sweep_reminders.delay(), sweep_reminders.delay()
    worker.wait_settled()

    assert worker.states(first.id) == worker.states(second.id) == ["SUCCESS"]
    queued = worker.retval(first.id)["emails"] + worker.retval(second.id)["emails"]
    recorded = Reminder.objects.all()
    assert {(r.cycle_id, r.due_on) for r in recorded} == expected
    emailed = [r for r in recorded if r.channel == Reminder.Channel.EMAIL]
    assert queued == len(emailed) == len(expected) - 1
    assert {(r.status, r.attempts) for r in emailed} == {(Reminder.Status.SENT, 1)}
    assert recorded.get(cycle__registrant=by_post).status == Reminder.Status.POSTAL_DUE
    assert_emailed_exactly_once(emailed)

    again = sweep_reminders.delay()  # the same day once more: nothing new
    worker.wait_settled()
    assert worker.retval(again.id) == {"emails": 0, "postal": 0, "requeued": 0}
    assert len(mail.outbox) == len(emailed)


@needs_postgresql
def test_two_sweeps_at_the_same_moment_on_separate_connections_record_each_reminder_once(
    worker, monkeypatch
):
    today = timezone.localdate()
    cycles = registrants_in_every_phase(40, today=today)
    expected = expected_reminders(cycles, today=today)
    # Hold each batch's row locks a little longer, so the two sweeps really overlap.
    figures = reminders.progress_by_cycle

    def slow_figures(**kwargs):
        time.sleep(0.05)
        return figures(**kwargs)

    monkeypatch.setattr(reminders, "progress_by_cycle", slow_figures)
    start = threading.Barrier(2)
    results: list[reminders.SweepResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(reminders_sweep(as_of=today, batch=4))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    a, b = (result.emails for result in results)
    assert a and b, "both sweeps recorded reminders: they ran side by side"
    assert not set(a) & set(b)
    recorded = Reminder.objects.all()
    assert sorted(a + b) == sorted(r.pk for r in recorded)
    assert {(r.cycle_id, r.due_on) for r in recorded} == expected

    # Every message delivered twice, to four threads at once. The loser of each claim finds it
    # fresh and retries after STALE_CLAIM + 5 s (5 s here), then finds the reminder sent.
    monkeypatch.setattr(tasks, "STALE_CLAIM", timedelta(0))
    queued = [send_reminder.delay(pk).id for pk in a + b for _ in range(2)]
    worker.wait_settled()

    assert Counter(worker.retval(task_id) for task_id in queued) == {
        True: len(a + b),
        False: len(a + b),
    }
    assert {(r.status, r.attempts) for r in recorded.all()} == {(Reminder.Status.SENT, 1)}
    assert_emailed_exactly_once(recorded)


# --- 2. a worker killed mid-send -------------------------------------------------------------


def test_a_send_killed_after_claiming_is_sent_once_when_its_message_comes_back(worker, settings):
    reminder = a_due_reminder()
    locmem = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DyingBackend"}}
    # An unacknowledged message comes back from Redis after its visibility timeout (an hour):
    # by then the dead worker's claim is long stale.
    with pytest.raises(WorkerLost):
        reminder_send(reminder_id=reminder.pk, now=timezone.now() - timedelta(hours=1))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, mail.outbox) == (Reminder.Status.SENDING, 1, [])
    settings.MAILERS = locmem

    redelivered = send_reminder.delay(reminder.pk)
    worker.wait_settled()

    assert worker.retval(redelivered.id) is True
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 2)
    assert_emailed_exactly_once([reminder])

    once_more = send_reminder.delay(reminder.pk)  # its message delivered once more: nothing
    worker.wait_settled()
    assert worker.retval(once_more.id) is False
    assert_emailed_exactly_once([reminder])


def test_a_redelivery_while_the_dead_workers_claim_is_fresh_waits_then_sends_once(
    worker, settings, monkeypatch
):
    reminder = a_due_reminder()
    # The retry comes 5 s later rather than 10 min 5 s; the claim itself keeps its 10 minutes,
    # which the clock is moved past.
    monkeypatch.setattr(tasks, "STALE_CLAIM", timedelta(0))
    locmem = settings.MAILERS
    with time_machine.travel(timezone.now(), tick=True) as clock:
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DyingBackend"}}
        with pytest.raises(WorkerLost):
            reminder_send(reminder_id=reminder.pk)
        settings.MAILERS = locmem

        redelivered = send_reminder.delay(reminder.pk)  # at once (task_reject_on_worker_lost)
        wait_for(lambda: worker.states(redelivered.id) == ["RETRY"], what="ReminderBusy")
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts, mail.outbox) == (Reminder.Status.SENDING, 1, [])

        clock.shift(reminders.STALE_CLAIM + timedelta(seconds=1))
        worker.wait_settled()

    assert worker.states(redelivered.id) == ["RETRY", "SUCCESS"]
    assert worker.retval(redelivered.id) is True
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 2)
    assert_emailed_exactly_once([reminder])


WORKER_PROCESS = """
import os
from datetime import timedelta

import django

django.setup()
from django.conf import settings

from imi_portal.celery import app
from register import reminders, tasks

# Seconds rather than ten minutes, so that the test needn't wait for the claim to go stale.
reminders.STALE_CLAIM = tasks.STALE_CLAIM = timedelta(seconds=float(os.environ["TEST_STALE"]))
settings.MAILERS = {"default": {"BACKEND": "tests.register.test_reminder_tasks.FileOutbox"}}
queue = os.environ["TEST_QUEUE"]
app.conf.update(task_always_eager=False, task_routes={"register.tasks.*": {"queue": queue}})
app.worker_main([
    "worker", "--pool=prefork", "--concurrency=1", f"--queues={queue}", "--loglevel=INFO",
    "--without-heartbeat", "--without-mingle", "--without-gossip",
])
"""


@needs_postgresql
def test_a_worker_process_killed_mid_send_is_redelivered_and_sends_once(celery_queue, tmp_path):
    reminder = a_due_reminder()
    (tmp_path / "hang").touch()
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imi_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_QUEUE": celery_queue,
        "TEST_OUTBOX": str(tmp_path),
        "TEST_STALE": "5",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", WORKER_PROCESS],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:

        def log_tail() -> str:
            return log_path.read_text()[-3000:]

        send_reminder.delay(reminder.pk)
        wait_for(lambda: (tmp_path / "sending").exists(), what=f"the send\n{log_tail()}")
        reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.SENDING
        (tmp_path / "hang").unlink()
        os.kill(int((tmp_path / "sending").read_text()), signal.SIGKILL)  # the pool process

        wait_for(
            lambda: Reminder.objects.get(pk=reminder.pk).status == Reminder.Status.SENT,
            what=f"the redelivered message\n{log_tail()}",
        )
        time.sleep(1)  # room for a second email, were one coming
        assert (tmp_path / "sent").read_text().splitlines() == [message_id(reminder)]
        reminder.refresh_from_db()
        assert reminder.attempts == 2
        assert "WorkerLostError" in log_tail()
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- 3. an SMTP server that fails ------------------------------------------------------------


def test_a_mail_server_failing_twice_gets_the_reminder_on_the_third_attempt(
    worker, smtp, quick_retries
):
    reminder = a_due_reminder()
    smtp.failures = 2

    result = send_reminder.delay(reminder.pk)
    worker.wait_settled()

    assert worker.states(result.id) == ["RETRY", "RETRY", "SUCCESS"]
    assert smtp.attempts == 3
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (
        Reminder.Status.SENT,
        3,
        "",
    )
    assert_emailed_exactly_once([reminder])


def test_a_mail_server_that_always_fails_leaves_the_reminder_failed_with_its_error(
    worker, smtp, quick_retries, monkeypatch
):
    monkeypatch.setattr(quick_retries, "max_retries", 2)
    reminder = a_due_reminder()
    smtp.failures = 100

    result = send_reminder.delay(reminder.pk)
    worker.wait_settled()

    assert worker.states(result.id) == ["RETRY", "RETRY", "FAILURE"]
    assert isinstance(worker.retval(result.id), SMTPException)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == (
        Reminder.Status.FAILED,
        3,
        None,
    )
    assert (
        reminder.last_error == "SMTPException: 451 4.3.0 Temporary local problem, try again later"
    )
    assert mail.outbox == []

    smtp.failures = 0  # the server is back; staff send it again from the admin
    again = send_reminder.delay(reminder.pk)
    worker.wait_settled()
    assert worker.retval(again.id) is True
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (
        Reminder.Status.SENT,
        4,
        "",
    )
    assert_emailed_exactly_once([reminder])


def test_mail_errors_are_retried_with_exponential_back_off(smtp):
    reminder = a_due_reminder()
    smtp.failures = 100
    countdowns: list[float] = []

    def record(sender=None, reason=None, **kwargs) -> None:
        countdowns.append(reason.when)

    # Eagerly, the retries run at once, one inside the other; each reports its countdown.
    propagates = app.conf.task_eager_propagates
    app.conf.update(task_eager_propagates=False)
    signals.task_retry.connect(record, weak=False)
    try:
        send_reminder.apply(args=[reminder.pk])
    finally:
        signals.task_retry.disconnect(record)
        app.conf.update(task_eager_propagates=propagates)

    task = app.tasks[SEND_REMINDER]
    assert len(countdowns) == task.max_retries
    for retries, countdown in enumerate(countdowns):
        assert 0 <= countdown <= min(task.retry_backoff * 2**retries, task.retry_backoff_max)
    assert len(set(countdowns)) > 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
