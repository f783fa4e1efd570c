"""Reading the CSV files brands upload (delivery records, recall VIN lists): a line that csv
cannot read (a cell beyond csv's field limit, a quote left open) is the file's fault, said as
such, never a 500."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _


class UnreadableLine(ValueError):
    def __init__(self, number: int) -> None:
        super().__init__(f"CSV line {number} cannot be read")
        self.number = number

    @property
    def message(self) -> str:
        """Why, in the active language."""
        return _(
            "Line %(line)s cannot be read as CSV: a cell is too long or a quote is left open."
        ) % {"line": self.number}


def csv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """csv.reader's rows; UnreadableLine for a line it cannot read."""
    reader = csv.reader(lines)
    try:
        yield from reader
    except csv.Error as exc:
        raise UnreadableLine(reader.line_num) from exc
