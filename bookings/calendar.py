"""A booking as an RFC 5545 calendar event (the icalendar package writes the format)."""

from __future__ import annotations

from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, BookingEvent

PRODID = "-//HIMA Service//Bookings//EN"


def booking_ics(booking: Booking) -> bytes:
    """One VEVENT in the outlet's own time zone (with its VTIMEZONE), at the outlet's address."""
    zone = booking.outlet.zone
    outlet = booking.outlet
    services = ", ".join(line.service_type.name for line in booking.booking_services.all())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.reference}@hima-service")
    event.add("dtstamp", booking.updated_at)
    # Calendars replace an imported event only when its SEQUENCE grows: each reschedule and a
    # cancellation is a new revision of the same UID.
    revisions = booking.events.filter(kind=BookingEvent.Kind.RESCHEDULED).count()
    event.add("sequence", revisions + (booking.status == Booking.Status.CANCELLED))
    event.add("dtstart", booking.start.astimezone(zone))
    event.add("dtend", booking.end.astimezone(zone))
    event.add("summary", f"{outlet.name}: {services} ({booking.reference})")
    event.add("location", vText(f"{outlet.name}, {outlet.address}, {outlet.city}"))
    event.add("geo", (float(outlet.latitude), float(outlet.longitude)))
    description = [
        f"Booking {booking.reference}",
        f"Vehicle: {booking.vehicle.model} {booking.vehicle.plate}".strip(),
        f"Services: {services}",
        f"Mode: {booking.get_mode_display()}",
    ]
    if outlet.phone:
        description.append(f"Outlet phone: {outlet.phone}")
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if booking.status == Booking.Status.CANCELLED else "CONFIRMED")
    if outlet.phone:
        event.add("organizer", vCalAddress(f"tel:{outlet.phone.replace(' ', '')}"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
