"""Everything the platform holds about one person, as plain data (PIPL: the right to a copy)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from accounts.selectors import user_roles
from vehicles.models import Vehicle

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


def personal_data_export(*, user: User) -> dict[str, Any]:
    """The user's account, cars, bookings (with services, history and feedback) and the
    messages addressed to them: only theirs, never another person's."""
    vehicles = Vehicle.objects.filter(owner=user).select_related("model__brand").order_by("id")
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
        .select_related("booking", "vehicle")
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
            }
            for vehicle in vehicles
        ],
        "bookings": [_booking(booking) for booking in bookings],
        "notifications": [
            {
                "kind": notification.kind,
                "channel": notification.channel,
                "status": notification.status,
                "booking": notification.booking.reference if notification.booking else None,
                "vehicle_vin": notification.vehicle.vin if notification.vehicle else None,
                "due_at": _iso(notification.due_at),
                "sent_at": _iso(notification.sent_at),
            }
            for notification in notifications
        ],
    }
