"""unprepared: the statements of its block are planned for their own values, never prepared."""

import pytest
from django.db import connection

from hima_service.plans import unprepared
from hima_service.testing import prepared_statements

pytestmark = pytest.mark.django_db

# A statement of its own, so no other test's runs count towards preparing it.
STATEMENT = "SELECT count(*) FROM outlets_outlet WHERE code <> %s -- test_plans"


def run(times: int) -> None:
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute(STATEMENT, ["none"])


def prepared() -> bool:
    return prepared_statements("-- test_plans") > 0


def test_a_statement_repeated_in_the_block_is_never_prepared():
    with unprepared():
        run(12)
    assert not prepared()
    # The same statement outside is prepared once the connection has run it often enough.
    run(6)
    assert prepared()


def test_the_connection_prepares_again_after_the_block_even_after_an_error():
    threshold = connection.connection.prepare_threshold
    assert threshold is not None
    inside = []

    def failing_step() -> None:
        with unprepared():
            inside.append(connection.connection.prepare_threshold)
            raise RuntimeError("the step failed")

    with pytest.raises(RuntimeError):
        failing_step()
    assert inside == [None]
    assert connection.connection.prepare_threshold == threshold
