"""The equity view's samples: PostgreSQL's binary arrays read back value for value, and the
medians taken in Python equal to the bit to PostgreSQL's `percentile_cont`."""

import numpy as np
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.samples import Samples, float8_array, percentile_cont

pytestmark = pytest.mark.django_db

FIXED = settings(derandomize=True, database=None, max_examples=60, deadline=None)
values = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False), max_size=40
)


def sent(array_sql: str, params: list | None = None) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT array_send({array_sql})", params)
        return bytes(cursor.fetchone()[0])


def postgres_percentile(numbers: list[float], fraction: float) -> float | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) v",
            [fraction, numbers],
        )
        return cursor.fetchone()[0]


def test_float8_arrays_read_back_exactly():
    numbers = [1.5, -2.25, 1e300, 0.1, 1 / 3, 0.0, 42.0]

    assert float8_array(sent("%s::float8[]", [numbers])).tolist() == numbers
    assert float8_array(sent("'{}'::float8[]")).tolist() == []
    # The equity statement casts the ratings (smallint) to float8 on the way.
    assert float8_array(sent("ARRAY[5, 1, 3]::smallint[]::float8[]")).tolist() == [5.0, 1.0, 3.0]


@pytest.mark.parametrize(
    "array_sql",
    [
        "ARRAY[1.0, NULL]::float8[]",  # a NULL has no value to give
        "ARRAY[1, 2]::int[]",  # not float8: its bytes mean something else
        "ARRAY[[1.0, 2.0], [3.0, 4.0]]::float8[]",  # two dimensions
    ],
)
def test_other_arrays_are_refused(array_sql):
    with pytest.raises(ValueError, match="Expected a"):
        float8_array(sent(array_sql))


@FIXED
@given(numbers=values, fraction=st.sampled_from([0.5, 0.9, 0.25, 0.1]))
def test_percentile_cont_equals_postgres_to_the_bit(numbers, fraction):
    ours = percentile_cont(np.sort(np.asarray(numbers, dtype=np.float64)), fraction)

    assert ours == postgres_percentile(numbers, fraction)


def test_percentile_cont_by_hand():
    ordered = np.asarray([1.0, 2.0, 4.0, 10.0])

    assert percentile_cont(ordered, 0.5) == 3.0  # halfway between the 2nd and 3rd
    assert percentile_cont(ordered, 0.9) == pytest.approx(8.2)  # 4 + 0.7 × (10 − 4)
    assert percentile_cont(ordered[:1], 0.9) == 1.0
    assert percentile_cont(ordered[:0], 0.5) is None


def test_pooled_samples_are_the_values_together_in_order():
    def samples(waits: list[float], ratings: list[float]) -> Samples:
        return Samples(
            waits=np.asarray(waits),
            labour_ratios=np.asarray([1.0]),
            approval_minutes=np.empty(0),
            ratings=np.asarray(ratings),
        )

    pooled = Samples.pooled([samples([1, 5], [4]), samples([3], [2, 5]), samples([], [])])

    assert pooled.waits.tolist() == [1, 3, 5]
    assert pooled.labour_ratios.tolist() == [1, 1, 1]
    assert pooled.approval_minutes.tolist() == []
    assert pooled.ratings.tolist() == [2, 4, 5]
    assert pooled.medians() == {
        "wait_median_minutes": 3.0,
        "wait_p90_minutes": pytest.approx(4.6),  # 3 + 0.8 × (5 − 3)
        "labour_ratio_median": 1.0,
        "extra_approval_median_minutes": None,
    }
    assert Samples.pooled([]).waits.tolist() == []
