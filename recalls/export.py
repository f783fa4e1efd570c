"""CSV downloads of the campaigns and their progress (`?format=csv`, DRF's format override),
made from the JSON serializers' output, so the CSV carries exactly the JSON's numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hima_service.csv_export import CsvTable

PROGRESS = ["affected", "registered", "notified", "booked", "completed", "completion_rate"]
CAMPAIGN_HEADER = ["code", "brand", "title_zh", "title_en", "service", "status", *PROGRESS]
OUTLET_HEADER = ["campaign", "outlet", "outlet_name", "city", *PROGRESS]


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
