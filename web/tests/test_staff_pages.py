"""The staff board and the manager pages through Django's test client: who may see them, the
actions through the services (refusals shown on the card), walk-ins, the poll's one query and
304, and a board that costs the same queries for 1 or 8 cars."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import Bay, Closure, OpeningHours, OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import BrandMembershipFactory, VehicleFactory, valid_vin

pytestmark = pytest.mark.django_db

Role = OutletMembership.Role


@pytest.fixture
def floor(db):
    """An outlet open all day with two general bays, its advisor and manager, and another
    outlet with its own advisor; the clock at noon of the suite's day, so that the day's board
    has hours on both sides of now (whatever instant the suite runs at)."""
    noon = dt.datetime.combine(
        timezone.localdate(), dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(noon, tick=True):
        yield _floor()


def _floor() -> dict:
    services = list(ServiceType.objects.filter(code__in=["mnt-annual", "dgn-full-scan"]))
    outlet = OutletFactory(
        code="SH-BOARD-01", services=services, hours=[(dt.time(0), dt.time(23, 59))]
    )
    BayFactory(outlet=outlet, name="B1")
    BayFactory(outlet=outlet, name="B2")
    other = OutletFactory(code="SH-BOARD-02", services=services)
    advisor = UserFactory(username="adv")
    manager = UserFactory(username="mgr")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    OutletMembershipFactory(user=manager, outlet=outlet, role=Role.MANAGER)
    stranger = UserFactory(username="other-adv")
    OutletMembershipFactory(user=stranger, outlet=other, role=Role.ADVISOR)
    return {
        "outlet": outlet,
        "other": other,
        "advisor": advisor,
        "manager": manager,
        "stranger": stranger,
        "services": services,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _today(outlet, *, minutes: int = 0, status=Booking.Status.CONFIRMED, **kwargs) -> Booking:
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=minutes)
    kwargs.setdefault("services", list(ServiceType.objects.filter(code="mnt-annual")))
    return BookingFactory(
        outlet=outlet,
        bay=kwargs.pop("bay", outlet.bays.order_by("name").first()),
        start=start,
        end=start + dt.timedelta(minutes=60),
        status=status,
        **kwargs,
    )


def test_a_car_waiting_past_closing_time_shows_the_day_it_is_expected(floor):
    outlet = floor["outlet"]
    OpeningHours.objects.filter(outlet=outlet).update(opens=dt.time(9), closes=dt.time(18))
    evening = timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
    with time_machine.travel(evening, tick=False):
        _today(
            outlet,
            minutes=-120,
            status=Booking.Status.CHECKED_IN,
            checked_in_at=evening - dt.timedelta(minutes=130),
        )
        page = _client(floor["advisor"]).get("/staff/SH-BOARD-01/").content.decode()
    tomorrow = evening.date() + dt.timedelta(days=1)
    # Not "19:00", when nobody is there to start it: the next opening, with its day.
    assert f'<dd class="estimate">{tomorrow:%m-%d} 09:00</dd>' in page


def test_staff_sign_in_lands_on_their_board(floor):
    client = Client()
    response = client.post("/sign-in/", {"username": "adv", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/")["Location"] == "/staff/SH-BOARD-01/"


def test_owner_sign_in_still_lands_on_vehicles(floor):
    UserFactory(username="plain-owner")
    response = Client().post("/sign-in/", {"username": "plain-owner", "password": PASSWORD})
    assert response["Location"] == "/vehicles/"


@pytest.mark.parametrize("who", ["stranger", "owner", "brand_admin"])
@pytest.mark.parametrize(
    "url",
    [
        "/staff/SH-BOARD-01/",
        "/staff/SH-BOARD-01/board/",
        "/staff/SH-BOARD-01/manage/hours/",
        "/staff/SH-BOARD-01/manage/closures/",
        "/staff/SH-BOARD-01/manage/bays/",
    ],
)
def test_a_board_is_404_outside_the_outlet(floor, who, url):
    users = {
        "stranger": floor["stranger"],
        "owner": VehicleFactory().owner,
        "brand_admin": BrandMembershipFactory().user,
    }
    assert _client(users[who]).get(url).status_code == 404


def test_staff_of_several_outlets_switch_between_boards(floor):
    OutletMembershipFactory(user=floor["advisor"], outlet=floor["other"], role=Role.ADVISOR)
    client = _client(floor["advisor"])
    html = client.get("/staff/SH-BOARD-01/").content.decode()
    assert 'href="/staff/SH-BOARD-02/"' in html
    assert client.get("/staff/SH-BOARD-02/").status_code == 200


def test_staff_home_is_404_for_non_staff(floor):
    assert _client(UserFactory()).get("/staff/").status_code == 404


def test_actions_on_another_outlets_booking_are_404(floor):
    theirs = _today(floor["other"], bay=BayFactory(outlet=floor["other"]))
    client = _client(floor["advisor"])
    assert client.post(f"/staff/SH-BOARD-02/{theirs.reference}/check-in/").status_code == 404
    assert client.post(f"/staff/SH-BOARD-01/{theirs.reference}/check-in/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize(
    "url", ["/staff/SH-BOARD-01/manage/hours/", "/staff/SH-BOARD-01/manage/bays/"]
)
def test_manager_pages_are_404_for_an_advisor(floor, url):
    assert _client(floor["advisor"]).get(url).status_code == 404
    assert _client(floor["manager"]).get(url).status_code == 200


def test_anonymous_is_sent_to_sign_in(floor):
    response = Client().get("/staff/SH-BOARD-01/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    # A board whose session ended: htmx is told to load the sign-in page as a whole.
    response = Client().get("/staff/SH-BOARD-01/board/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/sign-in/?next=/staff/SH-BOARD-01/"
    assert Client().get("/staff/SH-BOARD-01/board/").status_code == 302


def test_the_board_fragment_opened_directly_leads_to_the_whole_board(floor):
    client = _client(floor["advisor"])
    response = client.get("/staff/SH-BOARD-01/board/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/SH-BOARD-01/"
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page
    assert '<section id="board"' in page


def test_board_groups_cards_by_stage_in_promised_order(floor):
    outlet = floor["outlet"]
    later = _today(outlet, minutes=40)
    sooner = _today(outlet, minutes=10, bay=outlet.bays.get(name="B2"))
    here = _today(
        outlet, minutes=-20, status=Booking.Status.CHECKED_IN, checked_in_at=timezone.now()
    )
    night = _today(
        outlet, minutes=90, mode=Booking.Mode.NIGHT_SERVICE, pickup_address="1 Road", bay=None
    )
    done = _today(outlet, minutes=-200, status=Booking.Status.COMPLETED)
    response = _client(floor["advisor"]).get("/staff/SH-BOARD-01/")
    assert response.status_code == 200
    stages = {
        s.status: [c.booking.reference for c in s.cards] for s in response.context["board"].stages
    }
    assert stages["confirmed"] == [sooner.reference, later.reference, night.reference]
    assert stages["checked_in"] == [here.reference]
    assert done.reference not in response.content.decode()
    html = response.content.decode()
    assert "★ Starry Night" in html  # marked with text, not colour alone
    assert 'data-poll-url="/staff/board-poll/?t=' in html


def test_late_arrival_and_overrun_are_flagged(floor):
    outlet = floor["outlet"]
    _today(outlet, minutes=-10)
    now = timezone.now()
    _today(
        outlet,
        minutes=-120,
        status=Booking.Status.IN_SERVICE,
        bay=outlet.bays.get(name="B2"),
        checked_in_at=now - dt.timedelta(minutes=125),
        started_at=now - dt.timedelta(minutes=118),
    )
    html = _client(floor["advisor"]).get("/staff/SH-BOARD-01/").content.decode()
    assert "⚠ Late arrival" in html
    assert "⚠ Overrun" in html


def test_a_car_with_an_open_recall_is_flagged_with_the_campaign(floor):
    outlet = floor["outlet"]
    recalled = _today(outlet, minutes=30)
    _today(outlet, minutes=90, bay=outlet.bays.get(name="B2"))
    campaign = RecallCampaignFactory(brand=recalled.vehicle.model.brand)
    AffectedVehicleFactory(campaign=campaign, vehicle=recalled.vehicle)
    html = _client(floor["advisor"]).get("/staff/SH-BOARD-01/").content.decode()
    assert html.count("⚠ Open recall") == 1
    assert campaign.code in html


@pytest.mark.parametrize("count", [1, 8])
def test_the_board_costs_the_same_queries_for_1_or_8_cars(
    floor, count, django_assert_max_num_queries
):
    for n in range(count):
        _today(floor["outlet"], minutes=30 * n, bay=None, status=Booking.Status.CONFIRMED)
    client = _client(floor["advisor"])
    # One more than before the recalls landed: every card's open recalls, in one query; one
    # more for every card's extra work (web.templatetags.estimates); and two for the opening
    # hours and closures the estimated starts keep to (bookings.queue).
    with django_assert_max_num_queries(20):
        assert client.get("/staff/SH-BOARD-01/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/staff/SH-BOARD-01/board/", HTTP_HX_REQUEST="true").status_code == 200


def _poll_url(client: Client) -> tuple[str, str]:
    board = client.get("/staff/SH-BOARD-01/board/", HTTP_HX_REQUEST="true").context["board"]
    return f"/staff/board-poll/?t={board.poll_token}", f'"{board.version}"'


def test_an_unchanged_board_poll_is_one_query_and_304(floor, django_assert_max_num_queries):
    booking = _today(floor["outlet"], minutes=20)
    advisor = _client(floor["advisor"])
    poller = Client()  # the poll sends no cookies: no session, no user row
    for _attempt in range(2):  # the version moves once a minute: retry across a minute's turn
        url, etag = _poll_url(advisor)
        with django_assert_max_num_queries(1):
            response = poller.get(url, HTTP_IF_NONE_MATCH=etag)
        if response.status_code == 304:
            break
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    # A change made elsewhere (the API, another desk, the no-show scan) saves the row, which
    # stamps updated_at: the version changes and the board is fetched again.
    booking.status = Booking.Status.CHECKED_IN
    booking.save()
    response = poller.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_poll_stops_counting_for_someone_no_longer_at_the_outlet(floor):
    _today(floor["outlet"], minutes=20)
    url, etag = _poll_url(_client(floor["advisor"]))
    OutletMembership.objects.filter(user=floor["advisor"]).delete()
    response = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200  # the version no longer matches: the page re-fetches
    assert _client(floor["advisor"]).get("/staff/SH-BOARD-01/board/").status_code == 404


def test_a_new_walk_in_changes_the_version(floor):
    url, etag = _poll_url(_client(floor["advisor"]))
    _today(floor["outlet"], minutes=5, channel=Booking.Channel.WALK_IN)
    assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "eyJvIjoxfQ:forged:sig"])
def test_a_forged_poll_token_is_refused(floor, token):
    assert Client().get(f"/staff/board-poll/?t={token}").status_code == 403


def test_check_in_without_js_redirects_back_to_the_board(floor):
    booking = _today(floor["outlet"], minutes=5)
    client = _client(floor["advisor"])
    response = client.post(
        f"/staff/SH-BOARD-01/{booking.reference}/check-in/", {"odometer_km": "23000"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/SH-BOARD-01/"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    assert Vehicle.objects.get(pk=booking.vehicle_id).odometer_km == 23000


def test_check_in_with_htmx_answers_the_board_fragment(floor):
    booking = _today(floor["outlet"], minutes=5)
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{booking.reference}/check-in/", {}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section id="board"' in html
    assert "<html" not in html
    assert f'id="card-{booking.reference}"' in html


def test_a_refused_action_explains_why_on_the_card(floor):
    booking = _today(floor["outlet"], minutes=5)
    client = _client(floor["advisor"])
    response = client.post(f"/staff/SH-BOARD-01/{booking.reference}/no-show/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "A booking becomes a no-show only 30 minutes after its start." in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_refused_action_in_chinese(floor):
    floor["advisor"].language = "zh-hans"
    floor["advisor"].save()
    booking = _today(floor["outlet"], minutes=5)
    response = _client(floor["advisor"]).post(f"/staff/SH-BOARD-01/{booking.reference}/no-show/")
    with translation.override("zh-hans"):
        chinese = translation.gettext(
            "A booking becomes a no-show only 30 minutes after its start."
        )
    assert chinese != "A booking becomes a no-show only 30 minutes after its start."
    assert chinese in response.content.decode()


def test_a_stale_board_is_told_what_happened(floor):
    """Desk B still shows the check-in form of a car desk A checked in: B's click is refused
    with the state machine's sentence on the card, whose check-in form is gone."""
    booking = _today(floor["outlet"], minutes=5)
    url = f"/staff/SH-BOARD-01/{booking.reference}/check-in/"
    assert _client(floor["advisor"]).post(url).status_code == 302
    response = _client(floor["manager"]).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 409  # as the API answers; board.js swaps any board
    card = response.context["board"].stages[1].cards[0]
    assert card.messages
    html = response.content.decode()
    assert card.messages[0] in html
    assert f'action="{url}"' not in html
    # …and in the answer board.js puts in the status line, outside the board.
    answer = html[html.index('id="board-answer"') :]
    assert booking.reference in answer
    assert card.messages[0] in answer


def test_start_ready_with_the_checklist_and_complete(floor):
    outlet = floor["outlet"]
    booking = _today(
        outlet, minutes=-5, status=Booking.Status.CHECKED_IN, checked_in_at=timezone.now()
    )
    client = _client(floor["advisor"])
    b2 = outlet.bays.get(name="B2")
    assert (
        client.post(f"/staff/SH-BOARD-01/{booking.reference}/start/", {"bay": b2.pk}).status_code
        == 302
    )
    booking.refresh_from_db()
    assert (booking.status, booking.bay_id) == (Booking.Status.IN_SERVICE, b2.pk)
    checklist = ServiceType.objects.get(code="mnt-annual").checklist
    url = f"/staff/SH-BOARD-01/{booking.reference}/ready/"
    # One item left unticked: refused, the message next to the checklist, the ticks kept.
    response = client.post(url, {"check-mnt-annual": checklist[:-1]})
    assert response.status_code == 400
    card = response.context["board"].stages[2].cards[0]
    errors = card.failed["ready"].errors["checklist"]
    assert any(checklist[-1] in e for e in errors)
    html = response.content.decode()
    assert 'class="field-error checklist-error"' in html
    assert html.count(" checked>") == len(checklist) - 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.IN_SERVICE
    assert client.post(url, {"check-mnt-annual": checklist}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.READY
    line = booking.booking_services.get()
    assert [row["item"] for row in line.checklist_result] == checklist
    url = f"/staff/SH-BOARD-01/{booking.reference}/complete/"
    response = client.post(url, {"actual_labour_minutes": "0"})
    assert response.status_code == 400
    assert 'name="actual_labour_minutes" id="minutes-' in response.content.decode()
    assert 'value="0"' in response.content.decode()  # what was typed, beside its error
    assert client.post(url, {"actual_labour_minutes": "55"}).status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.actual_labour_minutes) == (Booking.Status.COMPLETED, 55)


def test_a_refused_checklist_names_the_service_in_chinese(floor):
    floor["advisor"].language = "zh-hans"
    floor["advisor"].save()
    service = ServiceType.objects.get(code="mnt-annual")
    booking = _today(
        floor["outlet"],
        minutes=-30,
        status=Booking.Status.IN_SERVICE,
        checked_in_at=timezone.now(),
        started_at=timezone.now(),
    )
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{booking.reference}/ready/", {"check-mnt-annual": []}
    )
    assert response.status_code == 400
    error = response.context["board"].stages[2].cards[0].failed["ready"].errors["checklist"][0]
    assert service.name_zh in error
    assert service.code not in error
    if service.checklist_zh:  # the catalog's Chinese items, where it has them
        assert service.checklist_zh[0] in error
        assert service.checklist[0] not in error


def test_a_refused_odometer_is_shown_as_typed(floor):
    booking = _today(floor["outlet"], minutes=5)
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{booking.reference}/check-in/",
        {"odometer_km": "9999999"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="9999999"' in html
    assert 'aria-invalid="true"' in html
    assert f"act-check-in-{booking.reference}" in html


def test_no_show_is_offered_only_once_it_is_due(floor):
    outlet = floor["outlet"]
    soon = _today(outlet, minutes=-29)
    due = _today(outlet, minutes=-30, bay=outlet.bays.get(name="B2"))
    html = _client(floor["advisor"]).get("/staff/SH-BOARD-01/").content.decode()
    assert f'id="act-no-show-{soon.reference}"' not in html
    assert f'id="act-no-show-{due.reference}"' in html


def test_start_proposes_only_a_bay_free_for_the_whole_visit(floor):
    """B1 is the car's booked bay, held by another car's booking from 20 minutes on: a start
    now would run into it, so B1 is not proposed; B2 is."""
    outlet = floor["outlet"]
    b1, b2 = outlet.bays.get(name="B1"), outlet.bays.get(name="B2")
    early = _today(
        outlet, minutes=90, bay=b1, status=Booking.Status.CHECKED_IN, checked_in_at=timezone.now()
    )
    _today(outlet, minutes=20, bay=b1)
    html = _client(floor["advisor"]).get("/staff/SH-BOARD-01/").content.decode()
    start_form = html[html.index(f'id="act-start-{early.reference}"') :]
    start_form = start_form[: start_form.index("</form>")]
    assert f'<option value="{b2.pk}" selected>B2</option>' in start_form
    assert f'value="{b1.pk}"' not in start_form
    # And the proposal is one the service accepts.
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{early.reference}/start/", {"bay": b2.pk}
    )
    assert response.status_code == 302
    early.refresh_from_db()
    assert (early.status, early.bay_id) == (Booking.Status.IN_SERVICE, b2.pk)


def test_an_early_start_keeps_the_promise_on_the_card(floor):
    outlet = floor["outlet"]
    booking = _today(
        outlet,
        minutes=20,
        bay=outlet.bays.get(name="B2"),
        status=Booking.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    promised = booking.start
    client = _client(floor["advisor"])
    assert client.post(f"/staff/SH-BOARD-01/{booking.reference}/start/", {}).status_code == 302
    booking.refresh_from_db()
    assert booking.promised_start == promised
    assert booking.promised == promised
    assert booking.start < promised
    html = client.get("/staff/SH-BOARD-01/").content.decode()
    zone = outlet.zone
    started = booking.started_at.astimezone(zone)
    shown = f"{promised.astimezone(zone):%H:%M} · started {started:%H:%M}"
    assert shown in html


@pytest.mark.parametrize(
    "data",
    [
        {"odometer_km": "-4"},
        {"odometer_km": "ten"},
        {"odometer_km": "9" * 30},
    ],
)
def test_bad_input_is_a_message_never_a_500(floor, data):
    booking = _today(floor["outlet"], minutes=5)
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{booking.reference}/check-in/", data
    )
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_start_with_a_bay_of_another_outlet_is_refused(floor):
    booking = _today(
        floor["outlet"], minutes=-5, status=Booking.Status.CHECKED_IN, checked_in_at=timezone.now()
    )
    foreign = BayFactory(outlet=floor["other"])
    response = _client(floor["advisor"]).post(
        f"/staff/SH-BOARD-01/{booking.reference}/start/", {"bay": foreign.pk}
    )
    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN


def test_a_walk_in_with_an_unknown_vin_registers_the_car(floor):
    vin = valid_vin(9101)
    response = _client(floor["advisor"]).post(
        "/staff/SH-BOARD-01/walk-ins/",
        {
            "vin": vin,
            "service": ["mnt-annual"],
            "model": "aito-m7",
            "plate": "沪B77777",
            "owner_phone": "+8613900009999",
            "owner_name": "Li",
        },
        follow=True,
    )
    assert response.status_code == 200
    booking = Booking.objects.get(vehicle__vin=vin)
    assert booking.channel == Booking.Channel.WALK_IN
    assert booking.status == Booking.Status.CHECKED_IN
    html = response.content.decode()
    assert booking.reference in html
    assert f"Walk-in {booking.reference}: bay" in html


def test_the_walk_in_form_names_the_models_as_a_chinese_page_does(floor):
    advisor = floor["advisor"]
    advisor.language = "zh-hans"
    advisor.save(update_fields=["language"])

    html = _client(advisor).get("/staff/SH-BOARD-01/").content.decode()

    assert ">问界 M7<" in html
    assert "AITO 问界" not in html


def test_the_walk_in_preview_shows_the_earliest_start_and_keeps_nothing(floor):
    data = {
        "vin": valid_vin(9103),
        "service": ["mnt-annual"],
        "model": "aito-m7",
        "owner_phone": "+8613900009998",
        "preview": "1",
    }
    client = _client(floor["advisor"])
    response = client.post("/staff/SH-BOARD-01/walk-ins/", data)
    assert response.status_code == 200
    assert "Earliest start: now, on bay B1." in response.content.decode()
    assert not Vehicle.objects.filter(vin=valid_vin(9103)).exists()
    assert not Booking.objects.filter(outlet=floor["outlet"]).exists()
    # Both bays busy: the preview names the queue's estimated start.
    for bay in floor["outlet"].bays.all():
        _today(
            floor["outlet"],
            minutes=-10,
            bay=bay,
            status=Booking.Status.IN_SERVICE,
            checked_in_at=timezone.now(),
            started_at=timezone.now(),
        )
    response = client.post("/staff/SH-BOARD-01/walk-ins/", data)
    assert "No suitable bay is free now; estimated start" in response.content.decode()
    assert not Vehicle.objects.filter(vin=valid_vin(9103)).exists()


def test_a_walk_in_preview_near_closing_time_names_the_day_it_would_start(floor):
    outlet = floor["outlet"]
    OpeningHours.objects.filter(outlet=outlet).update(opens=dt.time(9), closes=dt.time(18))
    late = timezone.localtime().replace(hour=17, minute=30, second=0, microsecond=0)
    data = {
        "vin": valid_vin(9104),
        "service": ["mnt-annual"],
        "model": "aito-m7",
        "owner_phone": "+8613900009997",
        "preview": "1",
    }
    with time_machine.travel(late, tick=False):
        for bay in outlet.bays.all():  # both bays busy until past closing time
            _today(outlet, minutes=-10, bay=bay, status=Booking.Status.IN_SERVICE, started_at=late)
        response = _client(floor["advisor"]).post("/staff/SH-BOARD-01/walk-ins/", data)
    tomorrow = late.date() + dt.timedelta(days=1)
    assert (
        f"No suitable bay is free now; estimated start {tomorrow:%m-%d} 09:00."
        in response.content.decode()
    )


def test_a_walk_in_without_its_model_says_so(floor):
    response = _client(floor["advisor"]).post(
        "/staff/SH-BOARD-01/walk-ins/", {"vin": valid_vin(9102), "service": ["mnt-annual"]}
    )
    assert response.status_code == 400
    assert "A new vehicle needs its model." in response.content.decode()
    assert not Vehicle.objects.filter(vin=valid_vin(9102)).exists()


def test_a_walk_in_with_a_mistyped_vin(floor):
    response = _client(floor["advisor"]).post(
        "/staff/SH-BOARD-01/walk-ins/", {"vin": "LM8AB2C3XR0000001", "service": ["mnt-annual"]}
    )
    assert response.status_code == 400
    assert response.context["walk_in_form"].errors["vin"]


def test_manager_saves_hours_with_a_lunch_break(floor):
    client = _client(floor["manager"])
    data = {f"day{d}": "08:30-12:00, 13:00-18:00" for d in range(5)}
    data.update(day5="09:00-15:00", day6="")
    response = client.post("/staff/SH-BOARD-01/manage/hours/", data)
    assert response.status_code == 302
    monday = OpeningHours.objects.filter(outlet=floor["outlet"], weekday=0).order_by("opens")
    assert [(h.opens, h.closes) for h in monday] == [
        (dt.time(8, 30), dt.time(12)),
        (dt.time(13), dt.time(18)),
    ]
    assert not OpeningHours.objects.filter(outlet=floor["outlet"], weekday=6).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("08:00-12:00, 11:00-18:00", "overlap"),
        ("8 to 5", "HH:MM-HH:MM"),
        ("18:00-08:00", "closes"),
        ("08:00+08:00-17:00", "HH:MM-HH:MM"),  # the outlet's zone decides, not an offset
        ("08:00Z-17:00", "HH:MM-HH:MM"),
    ],
)
def test_bad_hours_are_refused_with_the_message(floor, text, message):
    before = OpeningHours.objects.filter(outlet=floor["outlet"]).count()
    response = _client(floor["manager"]).post("/staff/SH-BOARD-01/manage/hours/", {"day0": text})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert OpeningHours.objects.filter(outlet=floor["outlet"]).count() == before


def test_hours_that_leave_a_booking_outside_are_refused_naming_it(floor):
    booking = BookingFactory(outlet=floor["outlet"], bay=floor["outlet"].bays.first())
    before = OpeningHours.objects.filter(outlet=floor["outlet"]).count()
    # The booking is at 10:00: a week that opens at 14:00 would leave it outside.
    data = {f"day{d}": "14:00-18:00" for d in range(7)}
    response = _client(floor["manager"]).post("/staff/SH-BOARD-01/manage/hours/", data)
    assert response.status_code == 400
    assert booking.reference in response.content.decode()
    assert OpeningHours.objects.filter(outlet=floor["outlet"]).count() == before


def test_a_closure_at_the_end_of_the_calendar_is_refused_next_to_its_field(floor):
    response = _client(floor["manager"]).post(
        "/staff/SH-BOARD-01/manage/closures/", {"date": "9999-12-31"}
    )
    assert response.status_code == 400
    assert 'id="id_date_error"' in response.content.decode()


def test_a_closure_on_a_day_with_bookings_is_refused(floor):
    booking = BookingFactory(outlet=floor["outlet"], bay=floor["outlet"].bays.first())
    day = booking.start.astimezone(floor["outlet"].zone).date()
    client = _client(floor["manager"])
    response = client.post("/staff/SH-BOARD-01/manage/closures/", {"date": day.isoformat()})
    assert response.status_code == 400
    assert booking.reference in response.content.decode()
    assert not Closure.objects.filter(outlet=floor["outlet"]).exists()
    free_day = day + dt.timedelta(days=3)
    response = client.post(
        "/staff/SH-BOARD-01/manage/closures/", {"date": free_day.isoformat(), "reason": "Holiday"}
    )
    assert response.status_code == 302
    assert Closure.objects.filter(outlet=floor["outlet"], date=free_day).exists()
    response = client.post(
        "/staff/SH-BOARD-01/manage/closures/remove/", {"date": free_day.isoformat()}
    )
    assert response.status_code == 302
    assert not Closure.objects.filter(outlet=floor["outlet"]).exists()


def test_manager_adds_and_edits_bays(floor):
    client = _client(floor["manager"])
    response = client.post(
        "/staff/SH-BOARD-01/manage/bays/",
        {"new-name": "EV1", "new-capabilities": ["general", "ev_battery"], "new-is_active": "on"},
    )
    assert response.status_code == 302
    bay = Bay.objects.get(outlet=floor["outlet"], name="EV1")
    assert bay.capabilities == ["general", "ev_battery"]
    response = client.post(
        f"/staff/SH-BOARD-01/manage/bays/{bay.pk}/",
        {f"bay{bay.pk}-name": "B1", f"bay{bay.pk}-capabilities": ["general"]},
    )
    assert response.status_code == 400
    assert "already has a bay with this name" in response.content.decode()
    other_bay = BayFactory(outlet=floor["other"])
    assert client.post(f"/staff/SH-BOARD-01/manage/bays/{other_bay.pk}/", {}).status_code == 404


def test_an_alliance_admin_sees_any_board(floor):
    assert _client(AdminFactory()).get("/staff/SH-BOARD-02/").status_code == 200
