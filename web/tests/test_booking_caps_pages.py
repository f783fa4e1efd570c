"""No hoarding on the owner's pages: the cap and the hourly limit refuse with their rule's
sentence above the form and a note next to the field, in the owner's language."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from bookings.lifecycle.create import booking_create
from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from outlets.selectors import service_types_by_code
from web.owners.selectors import free_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


def _free(shop, *, index: int = 0, ignore_booking=None):
    annual = service_types_by_code(["mnt-annual"])
    days = free_days(
        outlet=shop.outlet, services=annual, vehicle=shop.vehicle, ignore_booking=ignore_booking
    )
    return [start for day in days for start in day.starts][index]


def _confirm(client, shop, start):
    return client.post(
        "/outlets/SH-WEB-01/book/confirm/",
        {
            "vehicle": shop.vehicle.pk,
            "service": ["mnt-annual"],
            "start": start.isoformat(),
            "mode": "drop_off",
            "pickup_address": "",
            "notes": "",
            "idempotency_key": uuid.uuid4().hex,
        },
    )


def _hold_two(shop) -> list[Booking]:
    # Elsewhere (the nearby outlet, later days), so the web outlet's free times are untouched.
    return [
        BookingFactory(
            owner=shop.owner, vehicle=shop.vehicle, outlet=shop.nearby, start=next_local(9, days=d)
        )
        for d in (5, 6)
    ]


@pytest.mark.parametrize(
    ("language", "sentence", "note"),
    [
        (
            "en",
            "A car may hold at most 2 upcoming bookings",
            "At most 2 upcoming bookings per car.",
        ),
        ("zh-hans", "每辆车最多可有 2 个待进行的预约", "每辆车最多 2 个待进行的预约。"),
    ],
)
def test_confirm_page_refuses_a_third_booking_of_a_car_next_to_the_vehicle(
    shop, owner_client, language, sentence, note
):
    shop.owner.language = language
    shop.owner.save()
    held = _hold_two(shop)

    response = _confirm(owner_client, shop, _free(shop))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["vehicle"] == [note]
    assert any(sentence in message for message in form.non_field_errors())
    page = response.content.decode()
    assert sentence in page
    assert all(booking.reference in page for booking in held)
    assert Booking.objects.filter(vehicle=shop.vehicle).count() == 2


def test_reschedule_page_refuses_a_move_over_the_hours_limit_next_to_the_start(
    shop, owner_client, settings
):
    settings.BOOKING_RESCHEDULES_PER_HOUR = 2
    booking = booking_create(
        owner=shop.owner,
        vehicle=shop.vehicle,
        outlet=shop.outlet,
        services=service_types_by_code(["mnt-annual"]),
        start=_free(shop, index=0),
    )
    url = f"/bookings/{booking.reference}/reschedule/"
    for index in (1, 2):
        start = _free(shop, index=index, ignore_booking=booking)
        assert owner_client.post(url, {"start": start.isoformat()}).status_code == 302

    response = owner_client.post(
        url, {"start": _free(shop, index=3, ignore_booking=booking).isoformat()}
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["start"] == ["At most 2 moves an hour."]
    assert "An account may move bookings at most 2 times an hour" in response.content.decode()
