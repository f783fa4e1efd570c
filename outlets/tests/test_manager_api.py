"""Manager endpoints: hours, closures and bays of one's own outlet.

Permission choice (DESIGN rule 4, "someone else's object answers 404"): only a manager of THIS
outlet or an alliance admin may use them. Everyone else who is signed in — an owner, a manager
of another outlet, and also an advisor or technician of this very outlet — gets the same 404 as
for an outlet that does not exist, so the endpoints reveal nothing. Anonymous callers get 401.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from conftest import client_for
from outlets.models import Bay, Capability, Closure, OpeningHours, OutletMembership
from outlets.tests.factories import (
    BayFactory,
    ClosureFactory,
    OutletFactory,
    OutletMembershipFactory,
    ServiceTypeFactory,
)

pytestmark = pytest.mark.django_db

CODE = "SH-PUDONG-01"
BASE = f"/api/v1/outlets/{CODE}"
WEEKDAY_HOURS = {
    "hours": [{"weekday": day, "opens": "08:30", "closes": "12:00"} for day in range(5)]
    + [{"weekday": day, "opens": "13:00", "closes": "18:00"} for day in range(5)]
    + [{"weekday": 5, "opens": "09:00", "closes": "16:00"}]
}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Every case signs in a fresh user: the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def local_today(outlet) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()


@pytest.fixture
def outlet():
    return OutletFactory(code=CODE)


@pytest.fixture
def other_outlet():
    return OutletFactory(code="BJ-CHAOYANG-01", city="Beijing")


@pytest.fixture
def manager_api(outlet):
    return client_for(OutletMembershipFactory(outlet=outlet, role="manager").user)


def client_as(who: str, request, outlet, other_outlet):
    if who == "anonymous":
        return client_for(None)
    if who == "owner":
        return request.getfixturevalue("owner_api")
    if who == "alliance admin":
        return request.getfixturevalue("admin_api")
    role, where = who.split(" of ")
    member = OutletMembershipFactory(
        outlet=outlet if where == "this" else other_outlet,
        role={
            "advisor": OutletMembership.Role.ADVISOR,
            "technician": OutletMembership.Role.TECHNICIAN,
            "manager": OutletMembership.Role.MANAGER,
        }[role],
    )
    return client_for(member.user)


WHO = [
    # who, allowed status offset: 401 for anonymous, 404 for everyone who may not manage
    ("anonymous", 401),
    ("owner", 404),
    ("advisor of this", 404),
    ("technician of this", 404),
    ("manager of other", 404),
    ("manager of this", None),
    ("alliance admin", None),
]
ENDPOINTS = [
    ("get", "/closures/", None, 200),
    ("post", "/closures/", "closure", 201),
    ("get", "/bays/", None, 200),
    ("post", "/bays/", {"name": "New", "capabilities": ["general"]}, 201),
    ("patch", "/bays/{bay}/", {"name": "Renamed"}, 200),
    ("put", "/hours/", WEEKDAY_HOURS, 200),
    ("delete", "/closures/{closure}/", None, 204),
]


@pytest.mark.parametrize(("who", "refused"), WHO)
@pytest.mark.parametrize(("method", "path", "payload", "ok"), ENDPOINTS)
def test_only_managers_of_the_outlet_and_alliance_admins_manage_it(
    request, outlet, other_outlet, who, refused, method, path, payload, ok
):
    bay = BayFactory(outlet=outlet, name="B1")
    closure = ClosureFactory(outlet=outlet, date=local_today(outlet) + dt.timedelta(days=20))
    hours_before = list(OpeningHours.objects.filter(outlet=outlet).values_list("opens", "closes"))
    if payload == "closure":
        payload = {"date": (local_today(outlet) + dt.timedelta(days=30)).isoformat()}
    url = BASE + path.format(bay=bay.pk, closure=closure.date.isoformat())

    response = getattr(client_as(who, request, outlet, other_outlet), method)(url, payload)

    if refused is None:
        assert response.status_code == ok, response.content
        return
    assert response.status_code == refused
    assert response.json()["code"] == ("not_authenticated" if refused == 401 else "not_found")
    # …and nothing changed.
    assert list(Bay.objects.filter(outlet=outlet).values_list("name", flat=True)) == ["B1"]
    assert list(Closure.objects.filter(outlet=outlet)) == [closure]
    assert (
        list(OpeningHours.objects.filter(outlet=outlet).values_list("opens", "closes"))
        == hours_before
    )


def test_a_manager_of_two_outlets_manages_both(outlet, other_outlet):
    member = OutletMembershipFactory(outlet=outlet, role="manager")
    OutletMembershipFactory(user=member.user, outlet=other_outlet, role="manager")
    api = client_for(member.user)
    assert api.get(f"{BASE}/bays/").status_code == 200
    assert api.get("/api/v1/outlets/BJ-CHAOYANG-01/bays/").status_code == 200
    assert api.get("/api/v1/outlets/NOWHERE-01/bays/").status_code == 404


# --- hours ---


def test_put_hours_replaces_the_week_and_the_detail_shows_it(manager_api, outlet, api):
    response = manager_api.put(f"{BASE}/hours/", WEEKDAY_HOURS)

    assert response.status_code == 200
    week = response.json()
    assert week[0]["intervals"] == [
        {"opens": "08:30", "closes": "12:00"},
        {"opens": "13:00", "closes": "18:00"},
    ]
    assert week[5]["intervals"] == [{"opens": "09:00", "closes": "16:00"}]
    assert week[6] == {"weekday": 6, "day": "Sunday", "intervals": []}
    assert OpeningHours.objects.filter(outlet=outlet).count() == 11
    assert api.get(f"{BASE}/").json()["hours"] == week


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ([{"weekday": 0, "opens": "18:00", "closes": "09:00"}], "closes before it opens"),
        ([{"weekday": 0, "opens": "09:00", "closes": "09:00"}], "closes before it opens"),
        (
            [
                {"weekday": 2, "opens": "09:00", "closes": "13:00"},
                {"weekday": 2, "opens": "12:00", "closes": "18:00"},
            ],
            "overlap",
        ),
        (
            [
                {"weekday": 2, "opens": "09:00", "closes": "12:00"},
                {"weekday": 2, "opens": "12:00", "closes": "18:00"},
            ],
            "overlap",
        ),
        (
            [
                {"weekday": 4, "opens": "08:00", "closes": "20:00"},
                {"weekday": 4, "opens": "10:00", "closes": "11:00"},
            ],
            "overlap",
        ),
        ([{"weekday": 7, "opens": "09:00", "closes": "18:00"}], "less than or equal to 6"),
        ([{"weekday": -1, "opens": "09:00", "closes": "18:00"}], "greater than or equal to 0"),
        ([{"weekday": 1, "opens": "9 am", "closes": "18:00"}], "Time has wrong format"),
        ([{"weekday": 1, "opens": "09:00"}], "required"),
    ],
)
def test_bad_hours_are_400_and_change_nothing(manager_api, outlet, hours, message):
    before = list(OpeningHours.objects.filter(outlet=outlet).values("weekday", "opens", "closes"))
    payload = {"hours": [*WEEKDAY_HOURS["hours"], *hours]}

    response = manager_api.put(f"{BASE}/hours/", payload)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "hours" in body["fields"]
    assert message in str(body["fields"]["hours"])
    after = list(OpeningHours.objects.filter(outlet=outlet).values("weekday", "opens", "closes"))
    assert after == before


def test_hours_must_be_a_list(manager_api):
    response = manager_api.put(f"{BASE}/hours/", {"monday": "9-18"})
    assert response.status_code == 400
    assert "hours" in response.json()["fields"]


def test_an_empty_week_closes_the_outlet(manager_api, outlet):
    assert manager_api.put(f"{BASE}/hours/", {"hours": []}).status_code == 200
    assert not OpeningHours.objects.filter(outlet=outlet).exists()


def _hours(opens: str, closes: str, *more: tuple[str, str]) -> dict:
    """The same intervals every day of the week."""
    intervals = [(opens, closes), *more]
    return {
        "hours": [
            {"weekday": day, "opens": start, "closes": end}
            for day in range(7)
            for start, end in intervals
        ]
    }


@pytest.mark.parametrize(
    "week",
    [
        {"hours": []},  # closed every day
        _hours("14:00", "18:00"),  # opens after the booking's start
        _hours("08:00", "10:30", ("11:00", "18:00")),  # a break in the middle of the visit
    ],
    ids=["closed", "later", "break"],
)
def test_hours_that_leave_an_upcoming_booking_outside_are_refused_naming_it(
    manager_api, outlet, week
):
    booking = BookingFactory(outlet=outlet, start=next_local(10, days=2))
    hours_before = set(OpeningHours.objects.filter(outlet=outlet).values_list("opens", "closes"))

    response = manager_api.put(f"{BASE}/hours/", week)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert "1 active booking" in body["detail"]
    assert booking.reference in body["detail"]
    assert body["fields"] == {"hours": ["Active bookings fall outside these hours."]}
    after = set(OpeningHours.objects.filter(outlet=outlet).values_list("opens", "closes"))
    assert after == hours_before
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_hours_that_still_hold_every_upcoming_booking_are_saved(manager_api, outlet):
    BookingFactory(outlet=outlet, start=next_local(10, days=2))  # 10:00–11:00, fits
    # Neither a cancelled booking nor one already under way holds the hours.
    BookingFactory(outlet=outlet, start=next_local(15, days=2), status=Booking.Status.CANCELLED)
    started = timezone.now() - dt.timedelta(minutes=30)
    BookingFactory(
        outlet=outlet,
        start=started,
        end=started + dt.timedelta(hours=1),
        status=Booking.Status.IN_SERVICE,
    )

    response = manager_api.put(f"{BASE}/hours/", _hours("10:00", "11:00"))

    assert response.status_code == 200
    assert set(OpeningHours.objects.filter(outlet=outlet).values_list("opens", "closes")) == {
        (dt.time(10), dt.time(11))
    }


def test_bookings_are_held_to_the_hours_on_the_outlets_own_clock(manager_api, outlet):
    # 10:00 in Munich is 16:00 or 17:00 in Shanghai: the booking's day and time are Munich's.
    outlet.time_zone = "Europe/Berlin"
    outlet.save(update_fields=["time_zone"])
    BookingFactory(outlet=outlet, start=next_local(10, days=2, tz="Europe/Berlin"))

    assert manager_api.put(f"{BASE}/hours/", _hours("13:00", "20:00")).status_code == 409
    assert manager_api.put(f"{BASE}/hours/", _hours("08:00", "12:00")).status_code == 200


# --- closures ---


def test_closure_create_list_delete(manager_api, outlet):
    today = local_today(outlet)
    ClosureFactory(outlet=outlet, date=today - dt.timedelta(days=2), reason="Past")
    day = today + dt.timedelta(days=14)

    created = manager_api.post(f"{BASE}/closures/", {"date": day.isoformat(), "reason": " Audit "})
    assert created.status_code == 201
    assert created.json() == {"date": day.isoformat(), "reason": "Audit", "reason_zh": ""}
    listed = manager_api.get(f"{BASE}/closures/").json()
    assert listed == [{"date": day.isoformat(), "reason": "Audit", "reason_zh": ""}]

    assert manager_api.delete(f"{BASE}/closures/{day.isoformat()}/").status_code == 204
    assert not Closure.objects.filter(outlet=outlet, date=day).exists()
    again = manager_api.delete(f"{BASE}/closures/{day.isoformat()}/")
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-1, 400), (0, 201), (60, 201), (2 * 366, 201), (2 * 366 + 1, 400)],
)
def test_closure_date_from_today_in_the_outlets_zone(manager_api, outlet, offset, status):
    day = local_today(outlet) + dt.timedelta(days=offset)
    response = manager_api.post(f"{BASE}/closures/", {"date": day.isoformat()})
    assert response.status_code == status
    if status == 400:
        assert "date" in response.json()["fields"]


def test_a_closure_at_the_end_of_the_calendar_is_400(manager_api, outlet):
    response = manager_api.post(f"{BASE}/closures/", {"date": "9999-12-31"})
    assert response.status_code == 400
    assert "date" in response.json()["fields"]


def test_closing_a_closed_day_again_is_400(manager_api, outlet):
    day = local_today(outlet) + dt.timedelta(days=5)
    ClosureFactory(outlet=outlet, date=day)
    response = manager_api.post(f"{BASE}/closures/", {"date": day.isoformat()})
    assert response.status_code == 400
    assert response.json()["fields"]["date"] == ["The outlet is already closed on that day."]
    assert Closure.objects.filter(outlet=outlet).count() == 1


@pytest.mark.parametrize("payload", [{}, {"date": "tomorrow"}, {"date": "2026-02-30"}])
def test_closure_needs_a_real_date(manager_api, payload):
    response = manager_api.post(f"{BASE}/closures/", payload)
    assert response.status_code == 400
    assert "date" in response.json()["fields"]


def test_deleting_a_closure_by_a_malformed_date_is_404(manager_api):
    assert manager_api.delete(f"{BASE}/closures/not-a-date/").status_code == 404


def test_a_day_with_active_bookings_cannot_be_closed(manager_api, outlet):
    booking = BookingFactory(outlet=outlet)
    day = booking.start.astimezone(ZoneInfo(outlet.time_zone)).date()
    BookingFactory(outlet=outlet, status=Booking.Status.CANCELLED, start=booking.start)

    response = manager_api.post(f"{BASE}/closures/", {"date": day.isoformat()})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert booking.reference in body["detail"]
    assert "1 active booking" in body["detail"]
    assert not Closure.objects.filter(outlet=outlet).exists()


def test_another_outlets_bookings_do_not_block_a_closure(manager_api, outlet, other_outlet):
    booking = BookingFactory(outlet=other_outlet)
    day = booking.start.astimezone(ZoneInfo(outlet.time_zone)).date()
    assert manager_api.post(f"{BASE}/closures/", {"date": day.isoformat()}).status_code == 201


# --- bays ---


def test_bay_create_and_list(manager_api, outlet):
    BayFactory(outlet=outlet, name="B1", is_active=False)
    created = manager_api.post(
        f"{BASE}/bays/", {"name": "EV-1", "capabilities": ["ev_battery", "general", "general"]}
    )
    assert created.status_code == 201
    assert created.json()["capabilities"] == ["ev_battery", "general"]
    assert created.json()["is_active"] is True
    listed = manager_api.get(f"{BASE}/bays/").json()
    assert [(b["name"], b["is_active"]) for b in listed] == [("B1", False), ("EV-1", True)]


def test_a_bay_has_a_chinese_name_too(manager_api, outlet):
    created = manager_api.post(
        f"{BASE}/bays/", {"name": "EV 2", "name_zh": "电池工位 2", "capabilities": ["ev_battery"]}
    )
    assert created.status_code == 201
    assert created.json()["name_zh"] == "电池工位 2"
    bay = Bay.objects.get(pk=created.json()["id"])
    assert manager_api.patch(f"{BASE}/bays/{bay.pk}/", {"name_zh": "快充工位"}).status_code == 200
    bay.refresh_from_db()
    assert (bay.name, bay.name_zh) == ("EV 2", "快充工位")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "b1", "capabilities": ["general"]}, "name"),
        ({"name": "  ", "capabilities": ["general"]}, "name"),
        ({"name": "B9", "capabilities": []}, "capabilities"),
        ({"name": "B9", "capabilities": ["hovercraft"]}, "capabilities"),
        ({"name": "B9"}, "capabilities"),
        ({"name": "x" * 33, "capabilities": ["general"]}, "name"),
    ],
)
def test_bad_bay_input_is_400(manager_api, outlet, payload, field):
    BayFactory(outlet=outlet, name="B1")
    response = manager_api.post(f"{BASE}/bays/", payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Bay.objects.filter(outlet=outlet).count() == 1


def test_bay_patch_renames_and_changes_capabilities(manager_api, outlet):
    bay = BayFactory(outlet=outlet, name="B1", capabilities=["general"])
    response = manager_api.patch(
        f"{BASE}/bays/{bay.pk}/",
        {"name": "ADAS-1", "capabilities": ["general", "adas_calibration"]},
    )
    assert response.status_code == 200
    bay.refresh_from_db()
    assert bay.name == "ADAS-1"
    assert bay.capabilities == ["general", "adas_calibration"]


def test_another_outlets_bay_is_404(manager_api, other_outlet):
    bay = BayFactory(outlet=other_outlet, name="B1")
    response = manager_api.patch(f"{BASE}/bays/{bay.pk}/", {"is_active": False})
    assert response.status_code == 404
    bay.refresh_from_db()
    assert bay.is_active is True


def test_deactivating_a_bay_with_upcoming_bookings_is_409_naming_them(manager_api, outlet):
    bay = BayFactory(outlet=outlet, name="B1")
    upcoming = BookingFactory(outlet=outlet, bay=bay)

    response = manager_api.patch(f"{BASE}/bays/{bay.pk}/", {"is_active": False})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert upcoming.reference in body["detail"]
    assert "is_active" in body["fields"]
    bay.refresh_from_db()
    assert bay.is_active is True


@pytest.mark.parametrize(
    ("status", "days"),
    [
        (Booking.Status.CANCELLED, 1),
        (Booking.Status.NO_SHOW, -1),
        (Booking.Status.COMPLETED, -3),
        (Booking.Status.CONFIRMED, -3),  # long past, never closed: does not hold the bay ahead
    ],
)
def test_bookings_that_do_not_hold_the_bay_ahead_do_not_block(manager_api, outlet, status, days):
    bay = BayFactory(outlet=outlet, name="B1")
    start = timezone.now() + dt.timedelta(days=days)
    BookingFactory(outlet=outlet, bay=bay, status=status, start=start)

    response = manager_api.patch(f"{BASE}/bays/{bay.pk}/", {"is_active": False})

    assert response.status_code == 200
    bay.refresh_from_db()
    assert bay.is_active is False


def test_removing_a_capability_upcoming_bookings_need_is_409(manager_api, outlet):
    bay = BayFactory(outlet=outlet, name="B1", capabilities=["general", "tyre"])
    tyres = ServiceTypeFactory(code="t-tyres", category="tyre", capability="tyre")
    booking = BookingFactory(outlet=outlet, bay=bay, services=[tyres])

    refused = manager_api.patch(f"{BASE}/bays/{bay.pk}/", {"capabilities": ["general"]})
    assert refused.status_code == 409
    assert booking.reference in refused.json()["detail"]
    assert "capabilities" in refused.json()["fields"]

    # Adding a capability is always fine.
    added = manager_api.patch(
        f"{BASE}/bays/{bay.pk}/", {"capabilities": ["general", "tyre", "ev_battery"]}
    )
    assert added.status_code == 200


def test_a_chinese_manager_reads_the_bay_and_the_capability_in_chinese(manager_api, outlet):
    bay = BayFactory(outlet=outlet, name="B1", name_zh="工位1", capabilities=["general", "tyre"])
    tyres = ServiceTypeFactory(code="t-tyres", category="tyre", capability="tyre")
    BookingFactory(outlet=outlet, bay=bay, services=[tyres])

    refused = manager_api.patch(
        f"{BASE}/bays/{bay.pk}/", {"capabilities": ["general"]}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    detail = refused.json()["detail"]
    with translation.override("zh-hans"):
        tyre = str(Capability.TYRE.label)
    assert "工位1" in detail
    assert tyre in detail
    assert "tyre" not in detail


def test_a_closure_keeps_its_reason_in_both_languages(manager_api, outlet):
    day = (local_today(outlet) + dt.timedelta(days=20)).isoformat()
    response = manager_api.post(
        f"{BASE}/closures/",
        {"date": day, "reason": "Stocktake", "reason_zh": "盘点"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() == {"date": day, "reason": "Stocktake", "reason_zh": "盘点"}
    closure = outlet.closures.get()
    with translation.override("zh-hans"):
        assert closure.display_reason == "盘点"
    with translation.override("en"):
        assert closure.display_reason == "Stocktake"
