import datetime

from register.models import Registrant
from register.services import registrant_join
from tests.accounts.factories import UserFactory


def make_registrant(
    *, joined_on: datetime.date = datetime.date(2025, 5, 10), user=None
) -> Registrant:
    """A registrant made the way the portal makes them (first cycle included)."""
    return registrant_join(
        user=user or UserFactory(), joined_on=joined_on, accepted=None, accepted_at=None
    )
