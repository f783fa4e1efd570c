"""A brand's delivery records (VIN and buyer's phone), uploaded by its admins as CSV or JSON:
all or nothing, as the recall VIN lists are (recalls/vins.py).

Every line is checked: the VIN like a VIN anywhere on the platform, the phone as a mobile
number, and a VIN the platform knows as another brand's car is refused. One bad line and
nothing is imported; the answer names each bad line with its number and what is wrong (the
first MAX_REPORTED of them). Repeating an upload adds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.phones import normalize_phone
from hima_service.csv_upload import UnreadableLine, csv_rows
from hima_service.exceptions import NotFound, RuleViolation

from .models import Brand, DeliveryRecord, Vehicle
from .vin import normalize_vin

MAX_LINES = 100_000
MAX_BYTES = 8 * 1024 * 1024
MAX_REPORTED = 1000
HEADER_NAMES = {"vin", "车架号"}


class DeliveryFileRejected(RuleViolation):
    code = "invalid_delivery_file"


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class DeliveryImport:
    lines: int
    added: int
    already: int


def _reject(bad: list[BadLine]) -> DeliveryFileRejected:
    shown = [str(b) for b in bad[:MAX_REPORTED]]
    if len(bad) > MAX_REPORTED:
        shown.append(_("… and %(count)s more bad lines.") % {"count": len(bad) - MAX_REPORTED})
    detail = ngettext(
        "%(count)s line of the file is wrong; nothing was imported.",
        "%(count)s lines of the file are wrong; nothing was imported.",
        len(bad),
    ) % {"count": len(bad)}
    return DeliveryFileRejected(detail, fields={"file": shown})


def _file_error(message: str) -> DeliveryFileRejected:
    return DeliveryFileRejected(message, fields={"file": [message]})


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(_("The file is not UTF-8 text.")) from exc


def _csv_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, VIN, phone) per line; a header line and blank lines are skipped."""
    found = []
    try:
        for number, row in enumerate(csv_rows(text.splitlines()), start=1):
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if number == 1 and cells[0].lower() in HEADER_NAMES:
                continue
            found.append((number, cells[0], cells[1] if len(cells) > 1 else ""))
    except UnreadableLine as exc:
        raise _file_error(exc.message) from exc
    return found


def _json_lines(text: str) -> list[tuple[int, str, str]]:
    """(item number, VIN, phone) per item of a list of {"vin", "buyer_phone"} objects."""
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as exc:  # nested beyond Python's stack: not records
        raise _file_error(_("The file is not valid JSON.")) from exc
    if isinstance(items, dict):
        items = items.get("records")
    if not isinstance(items, list):
        raise _file_error(_('Send a list of {"vin", "buyer_phone"} objects.'))
    return [
        (
            number,
            str(item.get("vin", "")) if isinstance(item, dict) else "",
            str(item.get("buyer_phone", "")) if isinstance(item, dict) else "",
        )
        for number, item in enumerate(items, start=1)
    ]


def _check(brand: Brand, lines: list[tuple[int, str, str]]) -> dict[tuple[str, str], int]:
    records: dict[tuple[str, str], int] = {}
    bad: list[BadLine] = []
    for number, raw_vin, raw_phone in lines:
        reasons = []
        vin = phone = ""
        try:
            vin = normalize_vin(raw_vin)
        except ValidationError as exc:
            reasons.append(_("VIN: %(why)s") % {"why": " ".join(exc.messages)})
        try:
            phone = normalize_phone(raw_phone)
        except ValidationError as exc:
            reasons.append(_("phone: %(why)s") % {"why": " ".join(exc.messages)})
        if reasons:
            bad.append(BadLine(number, "; ".join(reasons)))
        else:
            records.setdefault((vin, phone), number)
    foreign = dict(
        Vehicle.objects.filter(vin__in={vin for vin, _phone in records})
        .exclude(model__brand=brand)
        .values_list("vin", "model__brand__name")
    )
    for (vin, _phone), number in records.items():
        if vin in foreign:
            bad.append(
                BadLine(
                    number, _("%(vin)s is a %(brand)s car.") % {"vin": vin, "brand": foreign[vin]}
                )
            )
    if bad:
        raise _reject(sorted(bad, key=lambda b: b.line))
    return records


@transaction.atomic
def delivery_records_import(
    *, brand: Brand, uploaded_by: User, data: bytes, is_json: bool, now: datetime | None = None
) -> DeliveryImport:
    """Import a brand's delivery records, all or nothing. A record already there is uploaded
    again: it becomes its VIN's latest (a car bought back, or a wrong later line corrected), so
    that the owner's code goes to the phone the brand named last."""
    now = now or timezone.now()
    text = _decode(data)
    lines = _json_lines(text) if is_json else _csv_lines(text)
    if len(lines) > MAX_LINES:
        raise _file_error(
            _("The file has %(count)s lines; an upload takes at most %(max)s.")
            % {"count": len(lines), "max": MAX_LINES}
        )
    if not lines:
        raise _file_error(_("The file holds no delivery record."))
    records = _check(brand, lines)
    before = DeliveryRecord.objects.filter(brand=brand).count()
    DeliveryRecord.objects.bulk_create(
        [
            DeliveryRecord(
                brand=brand, vin=vin, buyer_phone=phone, uploaded_by=uploaded_by, uploaded_at=now
            )
            for vin, phone in records
        ],
        update_conflicts=True,
        unique_fields=["brand", "vin", "buyer_phone"],
        update_fields=["uploaded_by", "uploaded_at"],
        batch_size=2000,
    )
    added = DeliveryRecord.objects.filter(brand=brand).count() - before
    return DeliveryImport(lines=len(lines), added=added, already=len(records) - added)


def delivery_brand(*, user: User, brand_code: str | None) -> Brand:
    """The brand whose records the user uploads: a brand admin's own (named, or the only one),
    any for an alliance admin. Anyone else, and another brand's admin, gets 404 (rule 4)."""
    if user.is_alliance_admin:
        own = Brand.objects.all()
    else:
        own = Brand.objects.filter(admins__user=user)
        if not own.exists():
            raise NotFound(_("Not found."))
    if not brand_code:
        only = list(own[:2])
        if len(only) == 1:
            return only[0]
        raise ValidationError({"brand": [_("Name the brand of the delivery records.")]})
    if not Brand.objects.filter(code__iexact=brand_code).exists():
        raise ValidationError({"brand": [_("Unknown brand.")]})
    brand = own.filter(code__iexact=brand_code).first()
    if brand is None:
        raise NotFound(_("Not found."))
    return brand


def delivery_brands(*, user: User) -> list[Brand]:
    """The brands whose delivery records the user may upload (none: not a brand admin)."""
    brands = (
        Brand.objects.all() if user.is_alliance_admin else Brand.objects.filter(admins__user=user)
    )
    return list(brands.order_by("name"))
