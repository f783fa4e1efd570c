import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import Booking
from bookings.tests.factories import VehicleFactory
from hima_service.idempotency import idempotency_purge
from hima_service.models import IdempotencyKey

pytestmark = pytest.mark.django_db


def post(world, payload, key, who="owner"):
    return world.api(who).post("/api/v1/bookings/", payload, HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_same_body_replays_the_first_answer(world):
    first = post(world, world.payload(), "k-1")
    again = post(world, world.payload(), "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


def test_same_key_different_body_is_422(world):
    assert post(world, world.payload(), "k-2").status_code == 201
    other = post(world, world.payload(start=world.start(hour=11).isoformat()), "k-2")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_an_error_answer_is_replayed_too(world):
    bad = world.payload(services=["warp-drive"])
    first = post(world, bad, "k-3")
    again = post(world, bad, "k-3")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


def test_keys_belong_to_their_user(world):

    theirs = VehicleFactory(owner=world.other_owner)
    assert post(world, world.payload(), "shared").status_code == 201
    response = post(world, world.payload(vehicle=theirs.pk), "shared", who="other_owner")
    assert response.status_code == 201
    assert Booking.objects.count() == 2


def test_keys_expire_after_a_day(world):
    assert post(world, world.payload(), "k-4").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    # The old answer is forgotten: the same key now does the work again (and finds the
    # vehicle already booked then).
    assert post(world, world.payload(), "k-4").status_code == 409
    assert idempotency_purge() == 0
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotency_purge() == 1


def test_actions_are_idempotent(world):
    reference = post(world, world.payload(), "k-5").json()["reference"]
    url = f"/api/v1/bookings/{reference}/cancel/"
    first = world.api("owner").post(url, {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="c-1")
    again = world.api("owner").post(url, {"reason": "x"}, HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 200
    assert Booking.objects.get().events.filter(to_status="cancelled").count() == 1


def test_a_blank_or_huge_key_is_refused(world):
    assert post(world, world.payload(), " ").json()["code"] == "invalid_idempotency_key"
    assert post(world, world.payload(), "x" * 300).status_code == 400
    assert not Booking.objects.exists()


def test_a_refused_key_is_explained_in_the_owners_language(world):
    owner = world.api("owner")
    owner.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")

    def send(key, **changes):
        return owner.post("/api/v1/bookings/", world.payload(**changes), HTTP_IDEMPOTENCY_KEY=key)

    assert send(" ").json()["detail"] == "Idempotency-Key 请求头须为 1 至 255 个可见字符。"
    assert send("k-zh").status_code == 201
    reused = send("k-zh", start=world.start(hour=11).isoformat())
    assert reused.json()["detail"] == "此 Idempotency-Key 已用于另一个请求。"
