"""The demo network, seeded once per test module instead of once per test."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from conftest import fixed_clock, load_reference_data
from demo.network import Login
from demo.seed import seed_demo


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker) -> Iterator[list[Login]]:
    """The demo seeded at the suite's fixed instant, in a transaction that stays open for the
    module's tests and is rolled back after them. Each test runs in a savepoint inside it (the
    `db` fixture's atomic block nests), so what one test writes never reaches the next; the
    module's tests must not be transactional."""
    with django_db_blocker.unblock(), fixed_clock(), transaction.atomic():
        load_reference_data()
        logins = seed_demo()
        yield logins
        transaction.set_rollback(True)
