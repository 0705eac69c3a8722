"""Nothing changes without a trace (R6.4): bulk writes on traced models go through history.

Models with django-simple-history get a manager whose querysets refuse `.update()` and
`.bulk_update()` of traced fields, which would change rows without a historical record. Bulk
changes are made with `traced_bulk_update`, which writes the history rows too.
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models
from simple_history.utils import bulk_update_with_history

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


def traced_bulk_update(objs, model, fields, *, user=None, reason: str) -> None:
    """Update many rows and write a historical record for each, with who and why."""
    with untraced():
        bulk_update_with_history(
            objs, model, fields, default_user=user, default_change_reason=reason
        )
