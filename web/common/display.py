"""How things read in the current language: catalog names (the catalog keeps a Chinese name),
prices in an outlet's currency, and times at an outlet beside the reader's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hima_service.language import localized

# Symbols of the currencies outlets quote in; any other code is written after the amount.
CURRENCY_SYMBOLS = {"CNY": "¥", "EUR": "€"}

# Zones named as people say them; any other zone by the city of its IANA name.
ZONE_PLACES = {
    "Asia/Shanghai": gettext_lazy("Shanghai"),
    "Europe/Berlin": gettext_lazy("Berlin"),
}


def local_name(obj: Any) -> str:
    """`name_zh` for Chinese readers when the catalog has one, else `name`."""
    name = obj.name if hasattr(obj, "name") else str(obj)
    return localized(name, getattr(obj, "name_zh", ""))


def model_name(model: Any) -> str:
    """A model's name beside its brand: the Chinese catalog spells the brand into the model's
    name (问界M7), which the brand beside it already says."""
    name = local_name(model)
    brand = local_name(model.brand)
    if brand and name.startswith(brand) and name != brand:
        return name.removeprefix(brand).strip()
    return name


def car_name(model: Any) -> str:
    """Brand and model as one label, where no badge can be drawn (a select's option): "问界 M7",
    "AITO M7"."""
    return f"{local_name(model.brand)} {model_name(model)}"


def money(amount: Decimal | int | None, currency: str = "CNY") -> str:
    """A price in its currency: "¥1,280", "€89.50"; the symbol leads in English and Chinese
    alike, an unknown code follows the amount ("89.50 CHF")."""
    if amount is None:
        return ""
    value = Decimal(amount)
    number = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number}\u00a0{currency}"


def zone_place(zone: str) -> str:
    """ "Berlin" for Europe/Berlin: the place whose clock a time is read on."""
    place = ZONE_PLACES.get(zone)
    return str(place) if place else zone.rsplit("/", 1)[-1].replace("_", " ")


def _day_and_time(local: dt.datetime, times: str) -> str:
    return _("%(weekday)s %(date)s, %(time)s") % {
        "weekday": date_format(local, "l"),
        "date": date_format(local, "DATE_FORMAT"),
        "time": times,
    }


def _times(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return date_format(start, "TIME_FORMAT")
    return f"{date_format(start, 'TIME_FORMAT')}–{date_format(end, 'TIME_FORMAT')}"


def visit_when(
    start: dt.datetime, end: dt.datetime | None = None, *, zone: str, own_zone: str
) -> str:
    """When a visit is, on the outlet's clock: "Thursday 3 Dec 2026, 10:00–11:00". Where the
    owner's clock reads differently, both: "Thursday 3 Dec 2026, 10:00–11:00 Berlin time ·
    17:00–18:00 your time" (with the owner's date when it is another day there)."""
    if not isinstance(start, dt.datetime):  # a form's start that did not parse
        return ""
    here, own = ZoneInfo(zone), ZoneInfo(own_zone)
    local, local_end = start.astimezone(here), end.astimezone(here) if end else None
    mine, mine_end = start.astimezone(own), end.astimezone(own) if end else None
    if local.utcoffset() == mine.utcoffset():
        return _day_and_time(local, _times(local, local_end))
    there = _("%(time)s %(place)s time") % {
        "time": _times(local, local_end),
        "place": zone_place(zone),
    }
    yours = _times(mine, mine_end)
    if mine.date() != local.date():
        yours = _("%(date)s, %(time)s") % {"date": date_format(mine, "DATE_FORMAT"), "time": yours}
    return f"{_day_and_time(local, there)} · {_('%(time)s your time') % {'time': yours}}"


def zone_note(zone: str, own_zone: str, *, at: dt.datetime) -> str:
    """What a list of an outlet's times says about their clock, when it is not the owner's:
    "Times are Berlin time (Europe/Berlin), 7 hours behind yours." Empty when the clocks agree."""
    gap = at.astimezone(ZoneInfo(zone)).utcoffset() - at.astimezone(ZoneInfo(own_zone)).utcoffset()
    if not gap:
        return ""
    minutes = abs(int(gap.total_seconds())) // 60
    whole = minutes % 60 == 0
    hours = f"{minutes // 60}" if whole else f"{minutes / 60:.1f}"
    count = minutes // 60 if whole else 2  # "1.5 hours", never "1.5 hour"
    params = {"place": zone_place(zone), "zone": zone, "hours": hours}
    if gap.total_seconds() < 0:
        return (
            ngettext(
                "Times are %(place)s time (%(zone)s), %(hours)s hour behind yours.",
                "Times are %(place)s time (%(zone)s), %(hours)s hours behind yours.",
                count,
            )
            % params
        )
    return (
        ngettext(
            "Times are %(place)s time (%(zone)s), %(hours)s hour ahead of yours.",
            "Times are %(place)s time (%(zone)s), %(hours)s hours ahead of yours.",
            count,
        )
        % params
    )
