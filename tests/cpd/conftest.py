"""A registrant mid-way through their first cycle, and a browser signed in as them."""

import pytest

from tests.register.factories import make_registrant


@pytest.fixture
def registrant():
    return make_registrant()  # joined 10 May 2025: the cycle runs to 31 March 2028


@pytest.fixture
def owner(client, registrant):
    client.force_login(registrant.user)
    return client
