"""CSV downloads of the audit (`?format=csv`, DRF's format override). Tables are made from the
JSON serializers' output, so the CSV carries exactly the JSON's numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hima_service.csv_export import CsvTable, table

from .flags import ALPHA
from .stats import p_text


def outlet_audit_table(body: Mapping[str, Any], header: Iterable[str]) -> CsvTable:
    """One line per outlet, then the network total (its outlet cell empty)."""
    return table([*body["rows"], body["total"]], list(header))


def equity_table(body: Mapping[str, Any], figure_header: Iterable[str]) -> CsvTable:
    """One line per outlet, brand and side ("brand" or "others"); the brand's line lists its
    flags, each as "metric: p (adjusted) = 0.012" or "… < 0.001" (the Holm-adjusted p-value
    the flag is judged on, never in e-notation)."""
    figure_header = list(figure_header)
    flags: dict[tuple[str, str], list[str]] = {}
    for flag in body["flags"]:
        relation, value = p_text(flag["p_value"], alpha=ALPHA)
        flags.setdefault((flag["outlet"], flag["brand"]), []).append(
            f"{flag['metric']}: p (adjusted) {relation} {value}"
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
