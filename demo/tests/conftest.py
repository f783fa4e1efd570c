"""The demo network, seeded once for the demo's tests instead of once per test.

Seeding takes seconds, and `make test-dates` runs these tests at six instants: one seed for
the whole package rather than one per module. test_demo_any_day seeds at instants of its own
and must not run inside it: it uses no `demo_network` and checks that no demo is there."""

from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from conftest import fixed_clock, load_reference_data
from demo.network import Login
from demo.seed import seed_demo


@pytest.fixture(scope="package")
def demo_network(django_db_setup, django_db_blocker) -> Iterator[list[Login]]:
    """The demo seeded at the suite's fixed instant, in a transaction that stays open for the
    package's tests and is rolled back after them. Each test runs in a savepoint inside it (the
    `db` fixture's atomic block nests), so what one test writes never reaches the next; the
    tests must not be transactional."""
    with django_db_blocker.unblock(), fixed_clock(), transaction.atomic():
        load_reference_data()
        logins = seed_demo()
        # The seed's foreign keys are checked at commit (deferred), and each test's teardown
        # checks them before its savepoint is rolled back, which puts them back as unchecked:
        # every test paid for checking the whole seed again (0.4 s). Checked once here.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield logins
        transaction.set_rollback(True)
