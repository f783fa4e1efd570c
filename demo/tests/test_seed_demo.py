"""`seed_demo` loads the network the issue asks for, and running it twice changes nothing."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking
from crews.models import Absence, BrandAuthorization, Shift, Technician
from demo.network import DEMO_PASSWORD
from demo.seed import seed_demo
from outlets.models import Bay, Closure, OpeningHours, Outlet, OutletMembership, ServiceType
from vehicles.models import BrandMembership, Vehicle

pytestmark = pytest.mark.django_db

MODELS = [User, Vehicle, BrandMembership, Outlet, Bay, OpeningHours, Closure, OutletMembership]
MODELS += [Technician, BrandAuthorization, Shift, Absence]


def counts() -> dict[str, int]:
    outlet_links = sum(o.brands.count() + o.services.count() for o in Outlet.objects.all())
    return {m.__name__: m.objects.count() for m in MODELS} | {"links": outlet_links}


@pytest.fixture
def seeded(demo_network):
    return demo_network


def test_running_twice_changes_nothing(seeded):
    first = counts()
    second_logins = seed_demo()
    assert counts() == first
    assert [login.username for login in second_logins] == [login.username for login in seeded]


def test_the_command_prints_every_login(seeded):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ["admin", "brand.aito", "advisor.sh-pudong", "manager.de-munich"]:
        assert username in text


def test_network_size_and_spread(seeded):
    outlets = Outlet.objects.filter(is_active=True)
    assert outlets.count() >= 12
    cities = set(outlets.values_list("city", flat=True))
    assert {"Shanghai", "Shenzhen", "Beijing", "Chongqing", "Hefei"} <= cities
    assert len(cities) >= 5


def test_mostly_shared_centres_a_few_restricted(seeded):
    brand_counts = [o.brands.count() for o in Outlet.objects.prefetch_related("brands")]
    shared = sum(1 for n in brand_counts if n == 5)
    restricted = sum(1 for n in brand_counts if n < 5)
    assert shared > len(brand_counts) / 2
    assert restricted >= 2


def test_flagships_with_amenities_and_night_service_and_express_points(seeded):
    flagships = Outlet.objects.filter(kind=Outlet.Kind.FLAGSHIP)
    assert flagships.filter(night_service=True, night_capacity__gt=0).count() >= 2
    assert all(len(f.amenities) >= 3 for f in flagships)
    assert Outlet.objects.filter(kind=Outlet.Kind.EXPRESS).count() >= 2


def test_an_outlet_abroad_in_a_daylight_saving_zone(seeded):
    abroad = Outlet.objects.exclude(country="CN")
    assert abroad.exists()
    for outlet in abroad:
        zone = ZoneInfo(outlet.time_zone)
        january = dt.datetime(2026, 1, 15, 12, tzinfo=zone).utcoffset()
        july = dt.datetime(2026, 7, 15, 12, tzinfo=zone).utcoffset()
        assert january != july, outlet.time_zone


def test_coordinates_are_in_their_city(seeded):
    # Rough bounding boxes of the real cities: a typo in a coordinate lands elsewhere.
    boxes = {
        "Shanghai": (30.6, 31.9, 120.8, 122.2),
        "Shenzhen": (22.4, 22.9, 113.7, 114.7),
        "Beijing": (39.4, 41.1, 115.4, 117.6),
        "Chongqing": (28.1, 32.3, 105.2, 110.2),
        "Hefei": (31.5, 32.2, 116.9, 117.6),
        "Hangzhou": (29.9, 30.6, 119.7, 120.8),
        "Munich": (48.0, 48.3, 11.3, 11.8),
    }
    for outlet in Outlet.objects.all():
        south, north, west, east = boxes[outlet.city]
        assert south <= outlet.latitude <= north, outlet.code
        assert west <= outlet.longitude <= east, outlet.code


def _minutes(intervals) -> int:
    return sum(
        (h.closes.hour * 60 + h.closes.minute) - (h.opens.hour * 60 + h.opens.minute)
        for h in intervals
    )


def test_hours_are_real_looking(seeded):
    lunch_breaks = shorter_weekends = 0
    for outlet in Outlet.objects.prefetch_related("opening_hours"):
        hours = list(outlet.opening_hours.all())
        assert {h.weekday for h in hours} >= set(range(5)), outlet.code  # every working day
        assert all(h.opens >= dt.time(7) and h.closes <= dt.time(22) for h in hours)
        monday = [h for h in hours if h.weekday == 0]
        saturday = [h for h in hours if h.weekday == 5]
        lunch_breaks += len(monday) >= 2
        shorter_weekends += _minutes(saturday) < _minutes(monday)
    assert lunch_breaks >= 3
    assert shorter_weekends >= 6


def test_closures_ahead(seeded):
    ahead = [c for c in Closure.objects.select_related("outlet") if c.date >= _today(c.outlet)]
    assert len(ahead) >= 2


def _today(outlet):
    return timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()


def test_every_offered_service_has_a_bay_that_can_take_it(seeded):
    for outlet in Outlet.objects.prefetch_related("services", "bays"):
        capabilities = {c for bay in outlet.bays.all() if bay.is_active for c in bay.capabilities}
        offered = list(outlet.services.all())
        assert offered, outlet.code
        for service in offered:
            assert service.capability in capabilities, (outlet.code, service.code)
    # Centres offer the whole catalog, bodywork included.
    centre = Outlet.objects.get(code="SH-MINHANG-01")
    assert centre.services.count() == ServiceType.objects.filter(is_active=True).count()


@pytest.mark.parametrize("site", ["sh-pudong", "sz-nanshan", "bj-chaoyang", "de-munich"])
def test_staff_at_several_outlets_can_sign_in(seeded, site):
    roles = {}
    for prefix in ["advisor", "tech", "manager"]:
        user = authenticate(username=f"{prefix}.{site}", password=DEMO_PASSWORD)
        assert user is not None
        membership = OutletMembership.objects.get(user=user)
        roles[prefix] = membership.role
    assert roles == {"advisor": "advisor", "tech": "technician", "manager": "manager"}


def test_a_brand_admin_per_brand(seeded):
    assert set(BrandMembership.objects.values_list("brand__code", flat=True)) == {
        "AITO",
        "LUXEED",
        "STELATO",
        "MAEXTRO",
        "SHANGJIE",
    }


def test_each_demo_owner_has_a_phone_of_their_own_country(seeded):
    phones = dict(
        User.objects.filter(username__startswith="owner.").values_list("username", "phone")
    )
    assert len(set(phones.values())) == len(phones)
    assert phones["owner.mueller"].startswith("+49")
    assert all(p.startswith("+86") for u, p in phones.items() if u != "owner.mueller")


def test_express_points_take_quick_jobs_only(seeded):
    long_jobs = ServiceType.objects.filter(
        outlets__kind=Outlet.Kind.EXPRESS, labour_minutes__gt=60
    ).distinct()
    assert list(long_jobs.values_list("code", flat=True)) == []


def test_todays_demo_bookings_lie_on_each_outlets_own_slot_grid(seeded):
    now = timezone.now()
    todays = Booking.objects.exclude(channel=Booking.Channel.WALK_IN).select_related("outlet")
    checked = 0
    for booking in todays:
        outlet = booking.outlet
        if outlet.local_day(booking.start) != outlet.local_day(now):
            continue
        local = booking.start.astimezone(outlet.zone)
        hours = OpeningHours.objects.filter(outlet=outlet, weekday=local.weekday())
        inside = [h for h in hours if h.opens <= local.time() < h.closes]
        assert inside, f"{booking.reference} at {local:%H:%M} is outside {outlet.code}'s hours"
        minutes = (local.hour * 60 + local.minute) - (
            inside[0].opens.hour * 60 + inside[0].opens.minute
        )
        assert minutes % outlet.slot_step_minutes == 0
        assert (local.second, local.microsecond) == (0, 0)
        checked += 1
    pudong = Outlet.objects.get(code="SH-PUDONG-01")
    local_now = now.astimezone(pudong.zone)
    hours = OpeningHours.objects.filter(outlet=pudong, weekday=local_now.weekday())
    if any(h.opens <= local_now.time() < h.closes for h in hours):
        # While the flagship is open (every day of the week) its board has cars on it; after
        # closing the demo leaves the day's board empty.
        assert checked > 0


def test_owner_li_has_a_finished_visit_to_rate_once(seeded):
    visit = Booking.objects.get(
        owner__username="owner.li", status=Booking.Status.COMPLETED, feedback__isnull=True
    )
    client = APIClient()
    client.force_authenticate(visit.owner)
    url = f"/api/v1/bookings/{visit.reference}/feedback/"

    assert client.post(url, {"rating": 5}).status_code == 201
    assert client.post(url, {"rating": 4}).status_code == 409


def test_the_owner_abroad_lives_on_berlin_time(seeded):
    zones = dict(
        User.objects.filter(username__startswith="owner.").values_list("username", "time_zone")
    )
    assert zones["owner.mueller"] == "Europe/Berlin"
    assert {z for u, z in zones.items() if u != "owner.mueller"} == {"Asia/Shanghai"}
