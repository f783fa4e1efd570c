"""CSV downloads (`?format=csv`, DRF's format override) for every app that offers them: a table
made from an endpoint's JSON answer, rendered with a BOM so that spreadsheet programs read UTF-8
(and show Chinese names), with formula-like text cells defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

BOM = "\ufeff"
# Cells a spreadsheet would run as a formula; numbers never reach this test.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    rows: list[list[Any]]


def table(rows: Sequence[Mapping[str, Any]], header: Sequence[str]) -> CsvTable:
    """Rows of a JSON answer, the columns in `header`'s order."""
    return CsvTable(header=list(header), rows=[[row[key] for key in header] for row in rows])


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
            raise TypeError("The CSV renderer renders CsvTable answers only.")
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer)
        writer.writerow(data.header)
        writer.writerows([_cell(value) for value in row] for row in data.rows)
        return buffer.getvalue().encode("utf-8")


class CsvDownloadMixin:
    """For an APIView whose answers also download as CSV (`?format=csv`): the renderer, the
    check, the attachment, and every answer that is not a table (an error, an OPTIONS answer)
    kept JSON, errors in the one error shape."""

    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CsvRenderer]

    def wants_csv(self) -> bool:
        return getattr(self.request.accepted_renderer, "format", None) == "csv"

    def csv_response(self, table: CsvTable, filename: str) -> Response:
        return Response(
            table, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
        )

    def finalize_response(self, request, response, *args, **kwargs):
        # `?format=csv` picks the CSV renderer before the view runs; whatever answer then has no
        # table to download (an error, the view's description for OPTIONS) is JSON instead.
        renderer = getattr(request, "accepted_renderer", None)
        is_table = isinstance(getattr(response, "data", None), CsvTable)
        if renderer is not None and renderer.format == "csv" and not is_table:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
