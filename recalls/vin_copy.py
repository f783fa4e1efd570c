"""A campaign's VIN list from a file of any length, for `manage.py recall_import`: COPY.

The upload (`recalls.vins`) carries the whole list in one array parameter and stops at
MAX_LINES; an operator's file of a million VINs streams instead. Each line is checked as it is
read, by the same rules and with the same messages as the upload, and copied into a temporary
table; one INSERT … SELECT then adds the distinct VINs, linked to the platform's vehicles in
the same statement, as the upload does. All or nothing like the upload: one bad line, or a VIN
the platform knows as another brand's car, and the transaction is rolled back with the
temporary table in it, so nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg import sql

from hima_service.language import localized
from vehicles.models import Brand, Vehicle, VehicleModel
from vehicles.vin import normalize_vin

from .models import AffectedVehicle, RecallCampaign
from .services import notice_scan_kick
from .vins import MAX_REPORTED, BadLine, VinFileRejected, VinImport, vin_lines

# Lines sent to COPY per write: large enough that the per-call cost vanishes.
COPY_CHUNK = 10_000

STAGING = sql.Identifier("recall_vin_import")
VEHICLES = sql.Identifier(Vehicle._meta.db_table)

# Dropped first and last: a second import in one outer transaction (ON COMMIT DROP has not
# fired yet) must find no table of the first.
DROP_SQL = sql.SQL("DROP TABLE IF EXISTS {staging}").format(staging=STAGING)
CREATE_SQL = sql.SQL(
    "CREATE TEMPORARY TABLE {staging} (line integer NOT NULL, vin varchar(17) NOT NULL) "
    "ON COMMIT DROP"
).format(staging=STAGING)
COPY_SQL = sql.SQL("COPY {staging} (line, vin) FROM STDIN").format(staging=STAGING)
# A temporary table has no statistics until analysed: without them the joins below are
# planned for a few rows.
ANALYZE_SQL = sql.SQL("ANALYZE {staging}").format(staging=STAGING)
FOREIGN_SQL = sql.SQL("""
SELECT s.line, s.vin, b.name, b.name_zh
FROM {staging} s
JOIN {vehicles} v ON v.vin = s.vin
JOIN {models} m ON m.id = v.model_id
JOIN {brands} b ON b.id = m.brand_id
WHERE m.brand_id <> %(brand)s
ORDER BY s.line
""").format(
    staging=STAGING,
    vehicles=VEHICLES,
    models=sql.Identifier(VehicleModel._meta.db_table),
    brands=sql.Identifier(Brand._meta.db_table),
)
# The affected rows' statistics, after adding as many as a million: until autovacuum gets to
# it (minutes, or never before the first scan), the notice scan is planned with the old counts,
# which did not have this campaign, and reads the whole campaign for every batch.
ANALYZE_AFFECTED_SQL = sql.SQL("ANALYZE {affected}").format(
    affected=sql.Identifier(AffectedVehicle._meta.db_table)
)
DISTINCT_SQL = sql.SQL("SELECT count(DISTINCT vin) FROM {staging}").format(staging=STAGING)
INSERT_SQL = sql.SQL("""
INSERT INTO {affected}
    (campaign_id, vin, vehicle_id, source, state, booking_reference, created_at, updated_at)
SELECT %(campaign)s, s.vin, v.id, 'list', 'affected', '', now(), now()
FROM (SELECT DISTINCT vin FROM {staging}) s
LEFT JOIN {vehicles} v ON v.vin = s.vin
ON CONFLICT (campaign_id, vin) DO NOTHING
""").format(
    affected=sql.Identifier(AffectedVehicle._meta.db_table), staging=STAGING, vehicles=VEHICLES
)

# The ISO 3779 check digit, for the fast path of `_VinChecker`.
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_SHAPE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


class _VinChecker:
    """`normalize_vin` at a million lines: it costs some 35 µs a VIN (vininfo), half a minute
    for such a file. A VIN of the right shape, year code and check digit whose manufacturer
    code (WMI) `normalize_vin` has already accepted once is accepted here without it; any
    other value goes through `normalize_vin`, which stays the judge and gives the messages.
    (Whether the check digit applies depends on the WMI: hence one real check per WMI.)"""

    def __init__(self) -> None:
        self._wmis: set[str] = set()

    def __call__(self, value: str) -> str:
        vin = value.strip().upper()
        if (
            _SHAPE.fullmatch(vin)
            and vin[9] not in "UZ0"
            and vin[:3] in self._wmis
            and vin[8] == _check_digit(vin)
        ):
            return vin
        vin = normalize_vin(value)
        self._wmis.add(vin[:3])
        return vin


def _check_digit(vin: str) -> str:
    total = sum(_VALUES[c] * w for c, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)


def _lines(stream: BinaryIO) -> Iterator[str]:
    """The file's lines as text: UTF-8, a BOM dropped; a byte that is not UTF-8 is refused with
    its position, as the upload does."""
    offset = 0
    for raw in stream:
        try:
            text = raw.decode("utf-8-sig" if offset == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            where = _("Byte %(pos)s is not UTF-8.") % {"pos": offset + exc.start + 1}
            raise VinFileRejected(
                _("The file is not UTF-8 text."), fields={"file": [where]}
            ) from exc
        offset += len(raw)
        yield text


def _rejected(shown: list[BadLine], total: int) -> VinFileRejected:
    """The upload's answer (`recalls.vins`), for a count of bad lines not all kept."""
    lines = [str(b) for b in shown]
    if total > len(shown):
        lines.append(_("… and %(count)s more bad lines.") % {"count": total - len(shown)})
    detail = ngettext(
        "%(count)s line of the file is not a valid VIN; nothing was imported.",
        "%(count)s lines of the file are not valid VINs; nothing was imported.",
        total,
    ) % {"count": total}
    return VinFileRejected(detail, fields={"file": lines})


def _copy_checked(cursor, stream: BinaryIO) -> int:
    """Read, check and COPY every VIN line into the temporary table; returns how many were
    read. Raises VinFileRejected naming the bad lines once the whole file was read."""
    check = _VinChecker()
    shown: list[BadLine] = []
    bad = read = 0
    chunk: list[str] = []
    with cursor.copy(COPY_SQL) as copy:
        for number, value in vin_lines(_lines(stream)):
            read += 1
            try:
                vin = check(value)
            except ValidationError as exc:
                bad += 1
                if len(shown) < MAX_REPORTED:
                    shown.append(BadLine(number, value[:40], " ".join(exc.messages)))
                continue
            if bad:
                continue  # the file is refused: nothing more to copy
            # A checked VIN is [A-Z0-9] only: nothing in it needs COPY's escapes.
            chunk.append(f"{number}\t{vin}\n")
            if len(chunk) >= COPY_CHUNK:
                copy.write("".join(chunk))
                chunk.clear()
        if chunk and not bad:
            copy.write("".join(chunk))
    if bad:
        raise _rejected(shown, bad)
    if not read:
        raise VinFileRejected(_("The file holds no VIN."), fields={"file": [_("Empty.")]})
    return read


def _foreign_lines(cursor, campaign: RecallCampaign) -> tuple[list[BadLine], int]:
    """Lines whose VIN the platform knows as another brand's car (the first MAX_REPORTED) and
    how many there are."""
    cursor.execute(FOREIGN_SQL, {"brand": campaign.brand_id})
    rows = cursor.fetchall()
    shown = [
        BadLine(
            line,
            vin,
            _(
                "This VIN is registered as a %(brand)s vehicle; the campaign is for "
                "%(campaign_brand)s."
            )
            % {
                "brand": localized(name, name_zh),
                "campaign_brand": campaign.brand.display_name,
            },
        )
        for line, vin, name, name_zh in rows[:MAX_REPORTED]
    ]
    return shown, len(rows)


@transaction.atomic
def campaign_import_vin_file(*, campaign: RecallCampaign, stream: BinaryIO) -> VinImport:
    """Add a CSV file's VINs (first column, one a line, any number of lines) to the campaign,
    all or nothing (module doc). VINs already in the campaign are kept as they are; the notice
    scan is queued on commit, as after an upload."""
    with connection.cursor() as cursor:
        cursor.execute(DROP_SQL)
        cursor.execute(CREATE_SQL)
        read = _copy_checked(cursor, stream)
        cursor.execute(ANALYZE_SQL)
        shown, foreign = _foreign_lines(cursor, campaign)
        if foreign:
            raise _rejected(shown, foreign)
        cursor.execute(DISTINCT_SQL)
        (vins,) = cursor.fetchone()
        cursor.execute(INSERT_SQL, {"campaign": campaign.pk})
        added = cursor.rowcount
        cursor.execute(DROP_SQL)
        cursor.execute(ANALYZE_AFFECTED_SQL)
    transaction.on_commit(notice_scan_kick)
    return VinImport(lines=read, vins=vins, added=added, already=vins - added)
