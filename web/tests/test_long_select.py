"""The dashboard's outlet filter (LongSelect) writes what Django's Select writes: the same
options, labels and selection, escaped the same way."""

import re

from django import forms

from web.dashboard.forms import LongSelect

CHOICES = [
    ("", "All outlets"),
    ("SH-PUDONG-01", "浦东服务中心 · SH-PUDONG-01"),
    ("DE-MUNICH-01", 'Munich "Nord" & <Süd> · DE-MUNICH-01'),
]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, selected == " selected", label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_the_long_select_writes_the_options_djangos_select_writes():
    for value in ["", "DE-MUNICH-01", "unknown"]:
        attrs = {"id": "id_outlet"}
        plain = forms.Select(choices=CHOICES).render("outlet", value, attrs)
        long = LongSelect(choices=CHOICES).render("outlet", value, attrs)

        assert _options(long) == _options(plain)
        assert len(_options(long)) == len(CHOICES)
        assert long.startswith('<select name="outlet" id="id_outlet">')
    selected = _options(LongSelect(choices=CHOICES).render("outlet", "DE-MUNICH-01"))
    assert [value for value, is_selected, _label in selected if is_selected] == ["DE-MUNICH-01"]
    assert "&lt;Süd&gt;" in LongSelect(choices=CHOICES).render("outlet", "")
