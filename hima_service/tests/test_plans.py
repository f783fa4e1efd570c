"""custom_plans: the statements of its block are planned for their own values."""

import pytest
from django.db import connection, transaction

from hima_service.plans import custom_plans

# Transactional: each block is a transaction of its own, as the settling steps are.
pytestmark = pytest.mark.django_db(transaction=True)


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        return cursor.fetchone()[0]


def test_a_block_plans_for_its_values_and_the_connection_goes_back_after():
    assert plan_cache_mode() == "auto"
    with custom_plans():
        assert connection.in_atomic_block
        assert plan_cache_mode() == "force_custom_plan"
    assert plan_cache_mode() == "auto"


def test_inside_a_transaction_it_lasts_until_that_one_ends():
    with transaction.atomic():
        with custom_plans():
            pass
        assert plan_cache_mode() == "force_custom_plan"
    assert plan_cache_mode() == "auto"


def test_a_block_that_fails_leaves_nothing_set():
    with pytest.raises(RuntimeError), custom_plans():
        raise RuntimeError("the step failed")
    assert plan_cache_mode() == "auto"
