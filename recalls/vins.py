"""The VIN list of a campaign, uploaded as a CSV file: all or nothing.

Every line is checked like a VIN anywhere on the platform (`vehicles.vin.normalize_vin`: the
ISO 3779 alphabet, the check digit, the model-year code), and a VIN that the platform knows as
another brand's car is refused too. One bad line and nothing is imported: the answer names each
bad line with its number and what is wrong (the first MAX_REPORTED of them, and how many more).
A good file goes in with one INSERT … SELECT over an array of VINs, linked to the platform's
vehicles in the same statement, whatever its length.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg import sql

from hima_service.csv_upload import UnreadableLine, csv_rows
from hima_service.exceptions import RuleViolation
from hima_service.language import localized
from vehicles.models import Brand, Vehicle, VehicleModel
from vehicles.vin import normalize_vin

from .models import AffectedVehicle, RecallCampaign
from .services import notice_scan_kick

MAX_LINES = 100_000
# 100,000 lines of a VIN with a few more columns; a larger upload is not a VIN list.
MAX_BYTES = 8 * 1024 * 1024
MAX_REPORTED = 1000
HEADER_NAMES = {"vin", "vins", "vin_code", "车架号"}


class VinFileRejected(RuleViolation):
    code = "invalid_vin_file"


@dataclass(frozen=True)
class BadLine:
    line: int
    value: str
    reason: str

    def __str__(self) -> str:
        return _("Line %(line)s (%(value)s): %(reason)s") % {
            "line": self.line,
            "value": self.value or _("empty"),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class VinImport:
    lines: int  # VIN lines read (header and blank lines not counted)
    vins: int  # distinct VINs among them
    added: int  # new to the campaign
    already: int  # were in it already (by range or an earlier upload)


def _reject(bad: list[BadLine]) -> VinFileRejected:
    shown = [str(b) for b in bad[:MAX_REPORTED]]
    if len(bad) > MAX_REPORTED:
        shown.append(_("… and %(count)s more bad lines.") % {"count": len(bad) - MAX_REPORTED})
    detail = ngettext(
        "%(count)s line of the file is not a valid VIN; nothing was imported.",
        "%(count)s lines of the file are not valid VINs; nothing was imported.",
        len(bad),
    ) % {"count": len(bad)}
    return VinFileRejected(detail, fields={"file": shown})


def decode_vin_file(data: bytes) -> str:
    """The upload as text: UTF-8 (a BOM is dropped), at most MAX_BYTES."""
    if len(data) > MAX_BYTES:
        raise VinFileRejected(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            fields={"file": [_("Too large.")]},
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise VinFileRejected(
            _("The file is not UTF-8 text."),
            fields={"file": [_("Byte %(pos)s is not UTF-8.") % {"pos": exc.start + 1}]},
        ) from exc


def vin_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, first column) of each VIN line of a CSV file: blank lines and a first
    line that names the column ("VIN") are skipped. A line csv cannot read refuses the file."""
    try:
        for number, row in enumerate(csv_rows(lines), start=1):
            value = row[0].strip() if row else ""
            if not value and not any(cell.strip() for cell in row):
                continue
            if number == 1 and value.lower() in HEADER_NAMES:
                continue
            yield number, value
    except UnreadableLine as exc:
        raise VinFileRejected(exc.message, fields={"file": [exc.message]}) from exc


def parse_vin_file(text: str) -> tuple[list[str], int]:
    """The VINs of a CSV file, one per line in its first column, in file order without
    repeats, and how many VIN lines were read. A first line that names the column ("VIN") and
    blank lines are skipped. Raises VinFileRejected listing every bad line."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES + 1:  # + a header line
        raise VinFileRejected(
            _("The file has %(count)s lines; a campaign's list takes at most %(max)s.")
            % {"count": len(lines), "max": MAX_LINES},
            fields={"file": [_("Too many lines.")]},
        )
    vins: dict[str, None] = {}
    bad: list[BadLine] = []
    read = 0
    for number, value in vin_lines(lines):
        read += 1
        try:
            vins[normalize_vin(value)] = None
        except ValidationError as exc:
            bad.append(BadLine(number, value[:40], " ".join(exc.messages)))
    if read > MAX_LINES:
        raise VinFileRejected(
            _("The file has %(count)s VIN lines; a campaign's list takes at most %(max)s.")
            % {"count": read, "max": MAX_LINES},
            fields={"file": [_("Too many lines.")]},
        )
    if bad:
        raise _reject(bad)
    if not vins:
        raise VinFileRejected(_("The file holds no VIN."), fields={"file": [_("Empty.")]})
    return list(vins), read


VEHICLES = sql.Identifier(Vehicle._meta.db_table)

# The VINs travel as one array parameter: a list of up to MAX_LINES is one value, where the
# ORM's `__in` would bind each VIN on its own.
FOREIGN_SQL = sql.SQL("""
SELECT v.vin, b.name, b.name_zh
FROM {vehicles} v
JOIN {models} m ON m.id = v.model_id
JOIN {brands} b ON b.id = m.brand_id
WHERE v.vin = ANY(%(vins)s) AND m.brand_id <> %(brand)s
""").format(
    vehicles=VEHICLES,
    models=sql.Identifier(VehicleModel._meta.db_table),
    brands=sql.Identifier(Brand._meta.db_table),
)

# The ORM has no INSERT … SELECT: the whole list goes in with one statement.
INSERT_SQL = sql.SQL("""
INSERT INTO {affected}
    (campaign_id, vin, vehicle_id, source, state, booking_reference, created_at, updated_at)
SELECT %(campaign)s, u.vin, v.id, 'list', 'affected', '', now(), now()
FROM unnest(%(vins)s::varchar[]) AS u(vin)
LEFT JOIN {vehicles} v ON v.vin = u.vin
ON CONFLICT (campaign_id, vin) DO NOTHING
""").format(affected=sql.Identifier(AffectedVehicle._meta.db_table), vehicles=VEHICLES)


def _foreign_lines(campaign: RecallCampaign, vins: list[str], text: str) -> list[BadLine]:
    """VINs the platform knows as another brand's cars, with their line numbers."""
    with connection.cursor() as cursor:
        cursor.execute(FOREIGN_SQL, {"vins": vins, "brand": campaign.brand_id})
        foreign = {vin: localized(name, name_zh) for vin, name, name_zh in cursor.fetchall()}
    if not foreign:
        return []
    bad = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        value = row[0].strip() if row else ""
        vin = value.upper()
        if vin in foreign:
            reason = _(
                "This VIN is registered as a %(brand)s vehicle; the campaign is for "
                "%(campaign_brand)s."
            ) % {
                "brand": foreign[vin],
                "campaign_brand": campaign.brand.display_name,
            }
            bad.append(BadLine(number, value[:40], reason))
    return bad


@transaction.atomic
def campaign_import_vins(*, campaign: RecallCampaign, data: bytes) -> VinImport:
    """Add a CSV file's VINs to the campaign, all or nothing (module doc). VINs already in the
    campaign are kept as they are; the notice scan is queued on commit."""
    text = decode_vin_file(data)
    vins, read = parse_vin_file(text)
    if bad := _foreign_lines(campaign, vins, text):
        raise _reject(bad)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, {"campaign": campaign.pk, "vins": vins})
        added = cursor.rowcount
    transaction.on_commit(notice_scan_kick)
    return VinImport(lines=read, vins=len(vins), added=added, already=len(vins) - added)
