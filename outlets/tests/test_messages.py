"""A manager's refusals read in the reader's language, with the refused values in place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from outlets.services import validate_week


@pytest.mark.parametrize(
    ("intervals", "chinese"),
    [
        (
            [{"weekday": 0, "opens": dt.time(18), "closes": dt.time(9)}],
            "星期一：18:00–09:00 的关门时间不晚于开门时间。",
        ),
        (
            [
                {"weekday": 2, "opens": dt.time(9), "closes": dt.time(13)},
                {"weekday": 2, "opens": dt.time(12), "closes": dt.time(18)},
            ],
            "星期三：09:00–13:00 与 12:00–18:00 重叠。",
        ),
    ],
)
def test_bad_hours_are_refused_in_chinese(intervals, chinese):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_week(intervals)
    assert refused.value.message_dict["hours"] == [chinese]


def test_the_same_refusal_in_english():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_week([{"weekday": 0, "opens": dt.time(18), "closes": dt.time(9)}])
    assert refused.value.message_dict["hours"] == ["Monday: 18:00–09:00 closes before it opens."]
