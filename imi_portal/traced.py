"""Nothing changes without a trace (R6.4): bulk writes on traced models go through history.

Models with django-simple-history get a manager whose querysets refuse `.update()` and
`.bulk_update()` of traced fields, which would change rows without a historical record. Bulk
changes are made with `traced_bulk_update`, which writes the history rows too.
"""

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction
from django.db.models import Value
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

_state = threading.local()


class UntracedChange(RuntimeError):
    pass


@contextmanager
def untraced() -> Iterator[None]:
    """Allow bulk writes without history inside the block (for tests setting up data)."""
    previous = getattr(_state, "allowed", False)
    _state.allowed = True
    try:
        yield
    finally:
        _state.allowed = previous


def _check(model: type[models.Model], fields: Iterable[str]) -> None:
    traced = set(fields) - set(getattr(model, "UNTRACED_FIELDS", ()))
    if traced and not getattr(_state, "allowed", False):
        raise UntracedChange(
            f"{model.__name__}: {', '.join(sorted(traced))} would change without a trace; "
            "save() each row or use imi_portal.traced.traced_bulk_update."
        )


class TracedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _check(self.model, kwargs)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        _check(self.model, fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)


TracedManager = models.Manager.from_queryset(TracedQuerySet)


# Rows per INSERT ... SELECT in history_snapshot: the ids are parameters, and SQLite allows
# 32,766 of them.
HISTORY_BATCH = 5000
# Above this many distinct new values, Django's bulk_update (a CASE per row) is used instead.
MAX_VALUE_GROUPS = 10


def traced_bulk_update(objs, model, fields, *, user=None, reason: str) -> None:
    """Update many rows and write a historical record for each, with who and why.

    Bulk changes usually give many rows the same value (every cycle closed on 1 April becomes
    "met" or "not met"): those rows are updated with one `UPDATE ... WHERE id IN (...)` per
    value. Django's bulk_update builds a CASE WHEN per row, about a millisecond of Python each,
    which made the end-of-cycle task take half a minute at 100,000 registrants
    (docs/benchmarks.md).
    """
    objs = list(objs)
    attnames = [model._meta.get_field(name).attname for name in fields]
    groups: dict[tuple, list] = {}
    for obj in objs:
        groups.setdefault(tuple(getattr(obj, a) for a in attnames), []).append(obj.pk)
    if len(groups) > MAX_VALUE_GROUPS:
        with untraced():
            bulk_update_with_history(
                objs, model, fields, default_user=user, default_change_reason=reason
            )
        return
    with transaction.atomic(savepoint=False):
        for values, pks in groups.items():
            traced_update(
                model, pks, user=user, reason=reason, **dict(zip(attnames, values, strict=True))
            )


def traced_update(model, pks: Sequence[int], *, user=None, reason: str, **changes) -> None:
    """`UPDATE ... SET changes WHERE id IN (pks)` and a historical record of each row."""
    if not pks:
        return
    with transaction.atomic(savepoint=False):
        model._base_manager.filter(pk__in=pks).update(**changes)
        history_snapshot(model, pks, history_type="~", user=user, reason=reason)


def traced_bulk_create(objs, model, *, user=None, reason: str) -> list:
    """`bulk_create` and a historical record ("created") of each new row."""
    with transaction.atomic(savepoint=False):
        created = model.objects.bulk_create(objs)
        history_snapshot(
            model, [obj.pk for obj in created], history_type="+", user=user, reason=reason
        )
    return created


def history_snapshot(
    model, pks: Sequence[int], *, history_type: str, user=None, reason: str
) -> None:
    """Record the rows `pks` as they now are in the model's history, in the database.

    What django-simple-history's `bulk_history_create` writes, the tracked fields with when, who
    and why, but as one `INSERT ... SELECT` per few thousand rows instead of a model instance
    and a row of parameters each: on 1 April that was most of the end-of-cycle task's time at
    100,000 registrants (docs/benchmarks.md).
    """
    history = get_history_manager_for_model(model).model
    if user is None:
        user = history.get_default_history_user(None)  # the request's user, as for a save()
    user_id = getattr(user, "pk", user)
    tracked = [field.attname for field in history.tracked_fields]
    stamps = {
        "_history_date": Value(timezone.now(), output_field=models.DateTimeField()),
        "_history_change_reason": Value(reason, output_field=models.TextField()),
        "_history_type": Value(history_type, output_field=models.CharField()),
        "_history_user_id": Value(user_id, output_field=models.BigIntegerField()),
    }
    quote = connection.ops.quote_name
    columns = [history._meta.get_field(name).column for name in tracked] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    insert = f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) "
    for start in range(0, len(pks), HISTORY_BATCH):
        rows = (
            model._base_manager.filter(pk__in=pks[start : start + HISTORY_BATCH])
            .annotate(**stamps)
            .order_by()
            .values_list(*tracked, *stamps)
        )
        select, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(insert + select, params)
