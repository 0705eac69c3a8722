import datetime

from audit import services
from audit.models import AuditCase
from register.models import Registrant
from tests.cpd.factories import make_activity

TODAY = datetime.date(2026, 11, 23)
DUE = datetime.date(2026, 12, 21)


def registrant_with_activities(count: int = 2, **registrant_kwargs) -> Registrant:
    from tests.register.factories import make_registrant

    registrant = make_registrant(**registrant_kwargs)
    for n in range(count):
        make_activity(registrant, title=f"Seminar {n + 1}")
    return registrant


def open_case_for(registrant: Registrant, *, auditor) -> AuditCase:
    """A draw that samples exactly `registrant` (the only one eligible in the test)."""
    draw = services.audit_draw(
        drawn_by=auditor, population="current", number=1, due_on=DUE, today=TODAY, seed=7
    )
    return draw.cases.get(registrant=registrant)
