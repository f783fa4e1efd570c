"""Finished visits with everything the workshop and the extra work keep about them: an
inspection (a noted, photographed view and damage mark) and a repair line with a part and a
photo, sent to the owner and approved by them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from estimates import services as estimates
from estimates.models import EstimateLine
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model
from workshop.photos import photo_create
from workshop.services import DamageInput, ViewInput, inspection_record
from workshop.tests.images import jpeg_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every photo a test stores lands here, never in the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Workshop:
    outlet: object
    advisor: object

    def finished_visit(self, owner, reference: str, *, days_ago: int = 7) -> Booking:
        """A visit `days_ago` days ago, inspected and with approved extra work, now completed."""
        start = next_local(9, days=-days_ago)
        booking = BookingFactory(
            vehicle=VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"), odometer_km=1),
            outlet=self.outlet,
            reference=reference,
            start=start,
            end=start + dt.timedelta(hours=2),
            bay_released_at=start + dt.timedelta(hours=2),
            status=Booking.Status.CHECKED_IN,
            checked_in_at=start,
        )
        inspection_record(
            booking=booking,
            actor=self.advisor,
            odometer_km=20500,
            state_of_charge=64,
            views={"front": ViewInput(note="Child seat behind", photo=upload(jpeg_bytes()))},
            damage=DamageInput(
                location="rear bumper", note="Hit a post at home", photo=upload(jpeg_bytes())
            ),
        )
        pads = photo_create(booking=booking, upload=upload(jpeg_bytes()), actor=self.advisor)
        line = estimates.estimate_line_add(
            booking=booking,
            actor=self.advisor,
            grade=EstimateLine.Grade.URGENT,
            description="Replace front brake pads",
            parts=[
                estimates.PartInput(
                    name="Brake pad set", quantity=Decimal("1"), unit_price=Decimal("420")
                )
            ],
            photos=[pads],
        )
        estimates.estimate_send(booking=booking, actor=self.advisor)
        estimates.estimate_decide(line=line, actor=owner, approve=True)
        # Staff's note on the hold, as when the bay was busy (free text like any other).
        EstimateLine.objects.filter(pk=line.pk).update(hold_note="Bay 2 busy until 15:00")
        Booking.objects.filter(pk=booking.pk).update(
            status=Booking.Status.COMPLETED, completed_at=start + dt.timedelta(hours=2)
        )
        return booking


@pytest.fixture
def workshop(db) -> Workshop:
    outlet = OutletFactory(code="SH-PUDONG-01")
    advisor = OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.ADVISOR).user
    return Workshop(outlet=outlet, advisor=advisor)


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def neighbour(db):
    return UserFactory(username="neighbour")
