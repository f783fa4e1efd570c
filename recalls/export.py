"""CSV downloads of the campaigns and their progress (`?format=csv`, DRF's format override),
made from the JSON serializers' output, so the CSV carries exactly the JSON's numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer

# A BOM, so that spreadsheet programs read the file as UTF-8 and show Chinese titles.
BOM = "\ufeff"
# Cells a spreadsheet would run as a formula (a title is free text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PROGRESS = ["affected", "registered", "notified", "booked", "completed", "completion_rate"]
CAMPAIGN_HEADER = ["code", "brand", "title_zh", "title_en", "service", "status", *PROGRESS]
OUTLET_HEADER = ["campaign", "outlet", "outlet_name", "city", *PROGRESS]


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: list[list[Any]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value)


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, CsvTable):
            raise TypeError("The CSV renderer renders recall tables only.")
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow(data.header)
        writer.writerows([_cell(value) for value in row] for row in data.rows)
        return buffer.getvalue().encode("utf-8")


def campaigns_table(campaigns: Sequence[Mapping[str, Any]]) -> CsvTable:
    """One line per campaign with its overall progress."""
    return CsvTable(
        header=CAMPAIGN_HEADER,
        rows=[
            [*(c[key] for key in CAMPAIGN_HEADER[:6]), *(c["progress"][key] for key in PROGRESS)]
            for c in campaigns
        ],
    )


def progress_table(campaign: Mapping[str, Any]) -> CsvTable:
    """One line per outlet (affected, registered and notified are not per outlet: empty), then
    the campaign's total line with an empty outlet."""
    rows = [
        [
            campaign["code"],
            o["outlet"],
            o["outlet_name"],
            o["city"],
            None,
            None,
            None,
            o["booked"],
            o["completed"],
            o["completion_rate"],
        ]
        for o in campaign["outlets"]
    ]
    total = campaign["progress"]
    rows.append([campaign["code"], None, None, None, *(total[key] for key in PROGRESS)])
    return CsvTable(header=OUTLET_HEADER, rows=rows)


def filename(*parts: object) -> str:
    """recall_<part>_….csv from codes only (slugs: nothing to escape)."""
    return "_".join(["recall", *(str(p) for p in parts)]) + ".csv"
