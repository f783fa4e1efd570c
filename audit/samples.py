"""The audit's samples: every wait, labour ratio, approval time and rating of one outlet or one
side of an equity comparison, and the medians taken over them, as pure functions over numpy
arrays.

The statements (audit.statements_sql: OUTLET_FIGURES per outlet, EQUITY_FIGURES per side) send
the values as float8 arrays in PostgreSQL's binary form (`array_send`): the text form of a
quarter's values, a million and a half floats, cost more to print and parse than the rest of the
statement took to run, and sorting them in SQL, one row per value, was most of the outlet
audit's statement. The medians are taken here exactly as PostgreSQL's `percentile_cont` takes
them (audit/tests/test_samples.py holds the two to the same bits)."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Values = npt.NDArray[np.float64]
# The kinds of values, by their column names in the statement and the weeks.
SAMPLE_KINDS = ("waits", "labour_ratios", "approval_minutes", "ratings")
# Those the medians are taken over (the outlet audit's statement sends these alone).
MEDIAN_KINDS = ("waits", "labour_ratios", "approval_minutes")

FLOAT8_OID = 701
# array_send's layout: the number of dimensions, a has-nulls flag and the element type's oid
# (int32 each), then per dimension its length and lower bound (int32 each), then per element its
# byte length (int32) and its bytes; all big-endian.
_HEADER = struct.Struct(">iiI")
_DIMENSION = struct.Struct(">ii")
_ELEMENT = 4 + 8  # a float8's length, then its value


def float8_array(data: bytes) -> Values:
    """The values of a one-dimensional float8 array without NULLs, from `array_send`'s bytes."""
    ndim, has_nulls, element_type = _HEADER.unpack_from(data)
    if element_type != FLOAT8_OID or has_nulls:
        raise ValueError("Expected a float8 array without NULLs.")
    if ndim == 0:
        return np.empty(0)
    if ndim != 1:
        raise ValueError("Expected a one-dimensional array.")
    length, _lower_bound = _DIMENSION.unpack_from(data, _HEADER.size)
    start = _HEADER.size + _DIMENSION.size
    # Every element's value, 4 bytes after its length: one strided view, then native floats.
    values = np.ndarray((length,), dtype=">f8", buffer=data, offset=start + 4, strides=(_ELEMENT,))
    return values.astype(np.float64)


def _ascending(values: Values) -> Values:
    """The values sorted in place, and returned: each array here is new already, and np.sort's
    copy and argument handling cost more than the sort itself over the thousands of small
    arrays a view sorts (docs/performance.md)."""
    values.sort()
    return values


def percentile_cont(ordered: Values, fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont(fraction)` over values in ascending order, to the bit: the
    two values around position fraction × (n − 1), interpolated as its float8_lerp does. None
    over no values, as SQL gives NULL."""
    if not len(ordered):
        return None
    position = fraction * (len(ordered) - 1)
    first, second = math.floor(position), math.ceil(position)
    low = float(ordered[first])
    if second == first:
        return low
    return low + (position - first) * (float(ordered[second]) - low)


@dataclass(frozen=True)
class Samples:
    """One side's values, each kind in ascending order."""

    waits: Values
    labour_ratios: Values
    approval_minutes: Values
    ratings: Values

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Samples:
        """From a row of EQUITY_FIGURES, whose `waits`, `labour_ratios`, `approval_minutes` and
        `ratings` are `array_send`'s bytes."""
        return cls(*(_ascending(float8_array(row[kind])) for kind in SAMPLE_KINDS))

    @classmethod
    def for_medians(cls, row: dict[str, Any]) -> Samples:
        """From a row of OUTLET_FIGURES, whose MEDIAN_KINDS are `array_send`'s bytes, or None
        where the outlet had no bookings; no ratings."""
        return cls(
            *(
                _ascending(float8_array(row[kind])) if row[kind] is not None else np.empty(0)
                for kind in MEDIAN_KINDS
            ),
            ratings=np.empty(0),
        )

    @classmethod
    def pooled(cls, sides: Sequence[Samples]) -> Samples:
        """Several sides' values together (the other brands at an outlet)."""
        return cls(
            *(
                _ascending(np.concatenate([getattr(side, kind) for side in sides] or [np.empty(0)]))
                for kind in SAMPLE_KINDS
            )
        )

    def medians(self) -> dict[str, float | None]:
        """The figures taken over the values, by their names in audit.selectors.Figures."""
        return {
            "wait_median_minutes": percentile_cont(self.waits, 0.5),
            "wait_p90_minutes": percentile_cont(self.waits, 0.9),
            "labour_ratio_median": percentile_cont(self.labour_ratios, 0.5),
            "extra_approval_median_minutes": percentile_cont(self.approval_minutes, 0.5),
        }
