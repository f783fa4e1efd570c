"""Everything the platform holds about one person, as plain data (PIPL: the right to a copy).

Never more than that: a one-time code's value is left out (a pending one would prove a phone or
a car without reaching it), and the phone of a car's delivery record, which the account may
not own, is shown masked as the verify answer showed it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.masking import mask_phone
from accounts.models import OneTimeCode, User
from accounts.selectors import user_roles
from vehicles.models import OdometerReading, OwnershipVerification, Vehicle
from vehicles.ownership import delivery_records_naming

from ..models import Booking, BookingEvent, BookingService, Notification


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _booking(booking: Booking) -> dict[str, Any]:
    feedback = getattr(booking, "feedback", None)
    return {
        "reference": booking.reference,
        "status": booking.status,
        "vehicle_vin": booking.vehicle.vin,
        "outlet": booking.outlet.code,
        "start": booking.outlet.local_iso(booking.start),
        "end": booking.outlet.local_iso(booking.end),
        "mode": booking.mode,
        "pickup_address": booking.pickup_address,
        "channel": booking.channel,
        "notes": booking.notes,
        "price_total": str(booking.price_total),
        "cancel_reason": booking.cancel_reason,
        "checked_in_at": _iso(booking.checked_in_at),
        "started_at": _iso(booking.started_at),
        "ready_at": _iso(booking.ready_at),
        "completed_at": _iso(booking.completed_at),
        "created_at": _iso(booking.created_at),
        "services": [
            {
                "code": line.service_type.code,
                "labour_minutes": line.labour_minutes,
                "price": str(line.price),
                "checklist_result": line.checklist_result,
            }
            for line in booking.booking_services.all()
        ],
        "events": [
            {
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "details": event.details,
                "at": _iso(event.created_at),
            }
            for event in booking.events.all()
        ],
        "feedback": (
            {
                "rating": feedback.rating,
                "comment": feedback.comment,
                "created_at": _iso(feedback.created_at),
            }
            if feedback is not None
            else None
        ),
    }


def _code_address(address: str, *, vehicle_code: bool) -> str:
    """A car's code went to its delivery record's phone, which the account may not own."""
    return mask_phone(address) if vehicle_code and address else address


def _record_phone(phone: str, user: User) -> str:
    """A delivery record names the person by their proven phone, or names a phone they proved
    a car by (a fleet's, a seller's): that one only masked."""
    return phone if user.phone_is_verified and phone == user.verified_phone else mask_phone(phone)


def _code(row: OneTimeCode) -> dict[str, Any]:
    return {
        "purpose": row.purpose,
        "sent_to": _code_address(
            row.target, vehicle_code=row.purpose == OneTimeCode.Purpose.VEHICLE
        ),
        "created_at": _iso(row.created_at),
        "expires_at": _iso(row.expires_at),
        "used_at": _iso(row.used_at),
        "attempts": row.attempts,
    }


def _notification(notification: Notification) -> dict[str, Any]:
    is_code = notification.kind == Notification.Kind.ONE_TIME_CODE
    vehicle_code = is_code and notification.vehicle_id is not None
    delivery = getattr(notification, "delivery", None)
    return {
        "kind": notification.kind,
        "channel": notification.channel,
        "status": notification.status,
        "booking": notification.booking.reference if notification.booking else None,
        "vehicle_vin": notification.vehicle.vin if notification.vehicle else None,
        "address": _code_address(notification.address, vehicle_code=vehicle_code),
        "context": {k: v for k, v in notification.context.items() if not (is_code and k == "code")},
        "due_at": _iso(notification.due_at),
        "sent_at": _iso(notification.sent_at),
        "delivered": (
            {
                "address": _code_address(delivery.address, vehicle_code=vehicle_code),
                "subject": delivery.subject,
                "body": delivery.body,
                "sent_at": _iso(delivery.sent_at),
            }
            if delivery is not None
            else None
        ),
    }


def personal_data_export(*, user: User) -> dict[str, Any]:
    """The user's account, cars (with their readings and the verifications that proved them
    the owner), the brands' delivery records that name them, their one-time codes, bookings
    (with services, history and feedback) and the messages addressed to them, with the text
    that was sent: only theirs, never another person's."""
    vehicles = (
        Vehicle.objects.filter(owner=user)
        .select_related("model__brand")
        .prefetch_related(
            Prefetch("odometer_readings", queryset=OdometerReading.objects.order_by("recorded_at"))
        )
        .order_by("id")
    )
    bookings = (
        Booking.objects.filter(owner=user)
        .select_related("outlet", "vehicle", "feedback")
        .prefetch_related(
            Prefetch(
                "booking_services",
                queryset=BookingService.objects.select_related("service_type").order_by("id"),
            ),
            Prefetch("events", queryset=BookingEvent.objects.order_by("created_at", "id")),
        )
        .order_by("start", "id")
    )
    notifications = (
        Notification.objects.filter(recipient=user)
        .select_related("booking", "vehicle", "delivery")
        .order_by("due_at", "id")
    )
    roles = user_roles(user=user)
    return {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "language": user.language,
            "time_zone": user.time_zone,
            "email_notifications": user.email_notifications,
            "sms_notifications": user.sms_notifications,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": roles["roles"],
        },
        "vehicles": [
            {
                "vin": vehicle.vin,
                "brand": vehicle.model.brand.code,
                "model": vehicle.model.code,
                "model_year": vehicle.model_year,
                "plate": vehicle.plate,
                "odometer_km": vehicle.odometer_km,
                "delivery_date": _iso(vehicle.delivery_date),
                "created_at": _iso(vehicle.created_at),
                "verified_at": _iso(vehicle.verified_at),
                "verified_via": vehicle.verified_via,
                "released_at": _iso(vehicle.released_at),
                "release_reason": vehicle.release_reason,
                "odometer_readings": [
                    {"km": reading.km, "source": reading.source, "at": _iso(reading.recorded_at)}
                    for reading in vehicle.odometer_readings.all()
                ],
            }
            for vehicle in vehicles
        ],
        "ownership_verifications": [
            {
                "vin": row.vin,
                "via": row.via,
                "outlet": row.outlet_code,
                "booking": row.booking_reference,
                "at": _iso(row.created_at),
            }
            for row in OwnershipVerification.objects.filter(owner=user).order_by("created_at", "id")
        ],
        "delivery_records": [
            {
                "brand": record.brand.code,
                "vin": record.vin,
                "buyer_phone": _record_phone(record.buyer_phone, user),
                "uploaded_at": _iso(record.uploaded_at),
            }
            for record in delivery_records_naming(user).order_by("uploaded_at", "id")
        ],
        "one_time_codes": [_code(row) for row in user.one_time_codes.order_by("created_at", "id")],
        "bookings": [_booking(booking) for booking in bookings],
        "notifications": [_notification(notification) for notification in notifications],
    }
