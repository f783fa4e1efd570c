"""The copy of one's data: the booking core's export, with each booking's inspection and extra
work added from the apps above it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from bookings.personal_data.selectors import personal_data_export as bookings_export
from estimates.models import EstimateLine
from workshop.models import Angle, DamageMark, Inspection, Photo, WalkAroundView
from workshop.serializers import photo_urls


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _photo(photo: Photo | None) -> dict[str, Any] | None:
    if photo is None:
        return None
    return {**photo_urls(photo), "width": photo.width, "height": photo.height}


def _inspection(inspection: Inspection) -> dict[str, Any]:
    order = {angle: index for index, angle in enumerate(Angle.values)}
    views = sorted(inspection.views.all(), key=lambda view: order[view.angle])
    return {
        "odometer_km": inspection.odometer_km,
        "state_of_charge": inspection.state_of_charge,
        "created_at": _iso(inspection.created_at),
        "updated_at": _iso(inspection.updated_at),
        "views": [
            {"angle": view.angle, "note": view.note, "photo": _photo(view.photo)} for view in views
        ],
        "damage_marks": [
            {
                "location": mark.location,
                "note": mark.note,
                "photo": _photo(mark.photo),
                "created_at": _iso(mark.created_at),
            }
            for mark in inspection.damage_marks.all()
        ],
    }


def _decided_by(line: EstimateLine, user: User) -> str | None:
    """The owner is "you"; anyone else who decided is not named (staff are not the owner's
    data)."""
    if line.decided_by_id is None:
        return None
    return "you" if line.decided_by_id == user.pk else "staff"


def _line(line: EstimateLine, user: User) -> dict[str, Any]:
    sending = line.sending
    return {
        "kind": line.kind,
        "service": line.service_type.code if line.service_type else None,
        "description": line.description,
        "grade": line.grade,
        "state": line.state,
        "labour_minutes": line.labour_minutes,
        "labour_price": str(line.labour_price),
        "parts": [
            {"name": part.name, "quantity": str(part.quantity), "unit_price": str(part.unit_price)}
            for part in line.parts.all()
        ],
        "parts_price": str(line.parts_price),
        "price": str(line.price),
        "currency": line.currency,
        "photos": [_photo(photo) for photo in line.photos.all()],
        "created_at": _iso(line.created_at),
        "sent_at": _iso(sending.sent_at if sending else None),
        "viewed_at": _iso(line.viewed_at),
        "decided_at": _iso(line.decided_at),
        "decided_by": _decided_by(line, user),
        "work_started_at": _iso(line.work_started_at),
        "work_completed_at": _iso(line.work_completed_at),
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the user (bookings.personal_data's export), each
    booking with its check-in inspection (readings, walk-around, damage, photo addresses) and
    its extra work (lines, prices, when sent, viewed and decided). A fixed number of queries
    whatever the number of bookings; only the user's own bookings."""
    data = bookings_export(user=user)
    inspections = {
        inspection.booking.reference: inspection
        for inspection in Inspection.objects.filter(booking__owner=user)
        .select_related("booking")
        .prefetch_related(
            Prefetch(
                "views", queryset=WalkAroundView.objects.select_related("photo").order_by("id")
            ),
            Prefetch(
                "damage_marks",
                queryset=DamageMark.objects.select_related("photo").order_by("created_at", "id"),
            ),
        )
    }
    lines: dict[str, list[dict[str, Any]]] = {}
    for line in (
        EstimateLine.objects.filter(booking__owner=user)
        .select_related("booking", "service_type", "sending")
        .prefetch_related("parts", Prefetch("photos", queryset=Photo.objects.order_by("id")))
        .order_by("created_at", "id")
    ):
        lines.setdefault(line.booking.reference, []).append(_line(line, user))
    for booking in data["bookings"]:
        inspection = inspections.get(booking["reference"])
        booking["inspection"] = _inspection(inspection) if inspection else None
        booking["extra_work"] = lines.get(booking["reference"], [])
    return data
