"""Nothing changes without a trace (R6.4): bulk writes on traced models go through history.

Models with django-simple-history get a manager whose querysets refuse `.update()` and
`.bulk_update()` of traced fields, which would change rows without a historical record. Bulk
changes are made with `traced_bulk_update`, which writes the history rows too.
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models, transaction
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
            changes = dict(zip(attnames, values, strict=True))
            model._base_manager.filter(pk__in=pks).update(**changes)
        get_history_manager_for_model(model).bulk_history_create(
            objs, update=True, default_user=user, default_change_reason=reason
        )
