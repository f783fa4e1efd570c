"""A booking as an RFC 5545 calendar event (the icalendar package writes the format), in the
reader's language: the one active for the request, as on the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from hima_service.language import localized

from .models import Booking, BookingEvent

PRODID = "-//HIMA Service//Bookings//EN"


def booking_ics(booking: Booking) -> bytes:
    """One VEVENT in the outlet's own time zone (with its VTIMEZONE), at the outlet's address."""
    zone = booking.outlet.zone
    outlet = booking.outlet
    services = ", ".join(line.service_type.display_name for line in booking.booking_services.all())
    model = booking.vehicle.model
    car = localized(str(model), model.name_zh)
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
    event.add("summary", f"{outlet.display_name}: {services} ({booking.reference})")
    event.add(
        "location",
        vText(f"{outlet.display_name}, {outlet.display_address}, {outlet.display_city}"),
    )
    event.add("geo", (float(outlet.latitude), float(outlet.longitude)))
    description = [
        _("Booking %(reference)s") % {"reference": booking.reference},
        _("Vehicle: %(vehicle)s") % {"vehicle": f"{car} {booking.vehicle.plate}".strip()},
        _("Services: %(services)s") % {"services": services},
        _("Mode: %(mode)s") % {"mode": booking.get_mode_display()},
    ]
    if outlet.phone:
        description.append(_("Outlet phone: %(phone)s") % {"phone": outlet.phone})
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if booking.status == Booking.Status.CANCELLED else "CONFIRMED")
    if outlet.phone:
        event.add("organizer", vCalAddress(f"tel:{outlet.phone.replace(' ', '')}"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
