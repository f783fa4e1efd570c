"""CSV downloads of the audit (`?format=csv`, DRF's format override). Tables are made from the
JSON serializers' output, so the CSV carries exactly the JSON's numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer

# A BOM, so that spreadsheet programs read the file as UTF-8 and show Chinese names.
BOM = "\ufeff"
# Cells a spreadsheet would run as a formula; numbers never reach this test.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: list[list[Any]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    # repr of a float is the shortest text that reads back as the same float.
    return repr(value) if isinstance(value, float) else str(value)


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, CsvTable):
            raise TypeError("The CSV renderer renders audit tables only.")
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow(data.header)
        writer.writerows([_cell(value) for value in row] for row in data.rows)
        return buffer.getvalue().encode("utf-8")


def table(rows: Sequence[Mapping[str, Any]], header: Sequence[str]) -> CsvTable:
    return CsvTable(header=list(header), rows=[[row[key] for key in header] for row in rows])


def outlet_audit_table(body: Mapping[str, Any], header: Iterable[str]) -> CsvTable:
    """One line per outlet, then the network total (its outlet cell empty)."""
    return table([*body["rows"], body["total"]], list(header))


def equity_table(body: Mapping[str, Any], figure_header: Iterable[str]) -> CsvTable:
    """One line per outlet, brand and side ("brand" or "others"); the brand's line lists its
    flags."""
    figure_header = list(figure_header)
    flags: dict[tuple[str, str], list[str]] = {}
    for flag in body["flags"]:
        flags.setdefault((flag["outlet"], flag["brand"]), []).append(
            f"{flag['metric']} (p={flag['p_value']})"
        )
    header = [
        "outlet",
        "outlet_name",
        "city",
        "brand",
        "side",
        "other_brands",
        "others_withheld",
        *figure_header,
        "flags",
    ]
    rows = []
    for outlet in body["outlets"]:
        where = [outlet["outlet"], outlet["outlet_name"], outlet["city"]]
        for comparison in outlet["comparisons"]:
            brand = comparison["brand"]
            sides = [("brand", comparison["figures"])]
            if comparison["others"] is not None:
                sides.append(("others", comparison["others"]))
            for side, figures in sides:
                flagged = flags.get((outlet["outlet"], brand), []) if side == "brand" else []
                rows.append(
                    [
                        *where,
                        brand,
                        side,
                        comparison["other_brands"],
                        comparison["others_withheld"],
                        *(figures[key] for key in figure_header),
                        "; ".join(flagged),
                    ]
                )
    return CsvTable(header=header, rows=rows)


def filename(kind: str, *parts: object) -> str:
    """audit-<kind>_<part>_…csv, from codes and ISO dates only (nothing to escape)."""
    return "_".join([f"audit-{kind}", *(str(p) for p in parts)]) + ".csv"
