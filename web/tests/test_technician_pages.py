"""The technicians pages through Django's test client: the outlet's staff read them, its
manager keeps them through crews.services, refused input comes back as typed with the message
next to its field (in the reader's language), and everyone else gets a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from accounts.tests.factories import UserFactory
from crews.models import HvLevel, Shift, Technician
from crews.tests.factories import AbsenceFactory, BrandAuthorizationFactory, TechnicianFactory
from outlets.models import Capability, OutletMembership
from outlets.selectors import outlet_local_today
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import brand

pytestmark = pytest.mark.django_db

Role = OutletMembership.Role
LIST = "/staff/SH-CREW-01/manage/technicians/"


@pytest.fixture
def crew_floor(db) -> dict:
    """An outlet with its manager and advisor, one technician (Wang Fang: HV qualified until 10
    days from now, AITO lapsed yesterday, Luxeed valid for a year, on shift Mondays, away in a
    week), and another outlet with its own advisor."""
    outlet = OutletFactory(code="SH-CREW-01")
    other = OutletFactory(code="SH-CREW-02")
    today = outlet_local_today(outlet=outlet)
    manager, advisor, stranger = (
        UserFactory(username=n) for n in ("crew-mgr", "crew-adv", "crew-other")
    )
    OutletMembershipFactory(user=manager, outlet=outlet, role=Role.MANAGER)
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    OutletMembershipFactory(user=stranger, outlet=other, role=Role.ADVISOR)
    technician = TechnicianFactory(
        user=UserFactory(username="wang.fang", first_name="Fang", last_name="Wang"),
        skills=[Capability.GENERAL, Capability.EV_BATTERY],
        hv_level=HvLevel.QUALIFIED,
        hv_valid_until=today + dt.timedelta(days=10),
        outlet=outlet,
        outlet__shifts=False,
    )
    Shift.objects.create(
        technician=technician, outlet=outlet, weekday=0, starts=dt.time(8), ends=dt.time(12)
    )
    BrandAuthorizationFactory(
        technician=technician, brand=brand("AITO"), valid_until=today - dt.timedelta(days=1)
    )
    BrandAuthorizationFactory(
        technician=technician, brand=brand("LUXEED"), valid_until=today + dt.timedelta(days=365)
    )
    AbsenceFactory(
        technician=technician,
        first_day=today + dt.timedelta(days=7),
        last_day=today + dt.timedelta(days=8),
        reason="Training",
    )
    return {
        "outlet": outlet,
        "other": other,
        "today": today,
        "manager": manager,
        "advisor": advisor,
        "stranger": stranger,
        "technician": technician,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_url(technician: Technician) -> str:
    return f"/staff/SH-CREW-01/manage/technicians/{technician.pk}/"


def _edit_data(**overrides) -> dict:
    """The edit form as Wang Fang's page fills it, with `overrides` typed over it."""
    data = {
        "skills": [Capability.GENERAL, Capability.EV_BATTERY],
        "hv_level": "2",
        "hv_valid_until": "2030-01-31",
        "brand_LUXEED": "2030-06-30",
        "shift0": "08:00-12:00",
    }
    data.update(overrides)
    return data


def test_the_list_shows_skills_certificates_shifts_and_absences(crew_floor):
    html = _client(crew_floor["advisor"]).get(LIST).content.decode()
    today = crew_floor["today"]
    assert "Fang Wang" in html
    assert "wang.fang" in html
    assert "EV battery" in html
    assert "qualified" in html
    assert f"valid until {today + dt.timedelta(days=10):%Y-%m-%d}" in html
    assert "Monday</span> 08:00–12:00" in html
    away = f"{today + dt.timedelta(days=7):%Y-%m-%d} to {today + dt.timedelta(days=8):%Y-%m-%d}"
    assert away in html
    assert "Training" in html


def test_certificates_lapsing_within_30_days_and_lapsed_ones_are_flagged(crew_floor):
    html = _client(crew_floor["manager"]).get(LIST).content.decode()
    assert "⚠ lapses in 10 days" in html  # the HV certificate
    assert "✕ lapsed" in html  # AITO, since yesterday
    assert html.count('class="flag flag-lapsing">⚠ lapses') == 1  # Luxeed's year is fine
    assert 'id="lapsing-warning"' in html
    assert "2 certificates to renew" in html


def test_a_retired_technician_is_listed_without_warnings(crew_floor):
    Technician.objects.filter(pk=crew_floor["technician"].pk).update(is_active=False)
    html = _client(crew_floor["manager"]).get(LIST).content.decode()
    assert "Retired" in html
    assert 'id="lapsing-warning"' not in html


def test_an_advisor_reads_the_list_but_is_offered_no_edit(crew_floor):
    client = _client(crew_floor["advisor"])
    html = client.get(LIST).content.decode()
    assert "Fang Wang" in html
    assert "technician-add-form" not in html
    assert _edit_url(crew_floor["technician"]) not in html
    # The manager pages do not exist for an advisor, as hours and bays do not.
    assert client.get(_edit_url(crew_floor["technician"])).status_code == 404
    add = client.post("/staff/SH-CREW-01/manage/technicians/add/", {"username": "crew-adv"})
    assert add.status_code == 404


def test_the_manager_is_offered_the_edit_and_add_forms(crew_floor):
    html = _client(crew_floor["manager"]).get(LIST).content.decode()
    assert "technician-add-form" in html
    assert _edit_url(crew_floor["technician"]) in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST),
        ("get", "/staff/SH-CREW-01/manage/technicians/{pk}/"),
        ("post", "/staff/SH-CREW-01/manage/technicians/{pk}/"),
        ("post", "/staff/SH-CREW-01/manage/technicians/add/"),
        ("post", "/staff/SH-CREW-01/manage/technicians/{pk}/absences/"),
        ("post", "/staff/SH-CREW-01/manage/technicians/{pk}/active/"),
    ],
)
def test_staff_of_another_outlet_get_404(crew_floor, method, url):
    client = _client(crew_floor["stranger"])
    response = getattr(client, method)(url.format(pk=crew_floor["technician"].pk))
    assert response.status_code == 404
    crew_floor["technician"].refresh_from_db()
    assert crew_floor["technician"].is_active


def test_a_technician_of_another_outlet_is_404_on_this_outlets_pages(crew_floor):
    elsewhere = TechnicianFactory(outlet=crew_floor["other"])
    assert _client(crew_floor["manager"]).get(_edit_url(elsewhere)).status_code == 404


def test_the_manager_adds_a_technician_by_username(crew_floor):
    UserFactory(username="li.lei", first_name="Lei", last_name="Li")
    response = _client(crew_floor["manager"]).post(
        "/staff/SH-CREW-01/manage/technicians/add/", {"username": "li.lei"}
    )
    technician = Technician.objects.get(user__username="li.lei")
    assert response.status_code == 302
    assert response["Location"] == _edit_url(technician)
    assert OutletMembership.objects.filter(
        user=technician.user, outlet=crew_floor["outlet"], role=Role.TECHNICIAN
    ).exists()


def test_an_unknown_username_is_refused_next_to_the_field_as_typed(crew_floor):
    response = _client(crew_floor["manager"]).post(
        "/staff/SH-CREW-01/manage/technicians/add/", {"username": "nobody.here"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="nobody.here"' in html
    assert 'id="id_username_error">No account has this username.' in html


def test_the_manager_saves_skills_certificates_and_shifts(crew_floor):
    technician = crew_floor["technician"]
    data = _edit_data(
        skills=[Capability.GENERAL, Capability.ADAS_CALIBRATION],
        hv_level="3",
        brand_STELATO="2030-12-31",
        shift0="",
        shift1="08:00-12:00, 13:00-17:30",
    )
    response = _client(crew_floor["manager"]).post(_edit_url(technician), data)
    assert response.status_code == 302
    technician.refresh_from_db()
    assert technician.skills == [Capability.GENERAL, Capability.ADAS_CALIBRATION]
    assert (technician.hv_level, technician.hv_valid_until) == (3, dt.date(2030, 1, 31))
    brands = {a.brand.code: a.valid_until for a in technician.authorizations.all()}
    assert brands == {"LUXEED": dt.date(2030, 6, 30), "STELATO": dt.date(2030, 12, 31)}
    shifts = [(s.weekday, s.starts, s.ends) for s in technician.shifts.order_by("starts")]
    assert shifts == [(1, dt.time(8), dt.time(12)), (1, dt.time(13), dt.time(17, 30))]


def test_level_none_keeps_no_date(crew_floor):
    technician = crew_floor["technician"]
    data = _edit_data(hv_level="0", hv_valid_until="2030-01-31")
    assert _client(crew_floor["manager"]).post(_edit_url(technician), data).status_code == 302
    technician.refresh_from_db()
    assert (technician.hv_level, technician.hv_valid_until) == (0, None)


def test_overlapping_shifts_are_refused_next_to_their_day_with_all_input_kept(crew_floor):
    technician = crew_floor["technician"]
    data = _edit_data(hv_level="3", shift2="08:00-12:00, 11:00-14:00")
    response = _client(crew_floor["manager"]).post(_edit_url(technician), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_shift2_error">Wednesday: 08:00–12:00 and 11:00–14:00 overlap.' in html
    assert 'value="08:00-12:00, 11:00-14:00"' in html
    assert 'value="2030-01-31"' in html
    assert 'value="3" selected' in html
    technician.refresh_from_db()
    assert technician.hv_level == HvLevel.QUALIFIED  # nothing saved


def test_a_level_without_its_date_is_refused_by_the_service_next_to_the_date(crew_floor):
    data = _edit_data(hv_valid_until="", shift3="09:00-10:00")
    response = _client(crew_floor["manager"]).post(_edit_url(crew_floor["technician"]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        'id="id_hv_valid_until_error">A high-voltage level needs the date it is valid until.'
        in html
    )
    assert 'value="09:00-10:00"' in html


def test_a_shift_over_one_at_another_outlet_is_refused_under_the_shifts(crew_floor):
    technician = crew_floor["technician"]
    Shift.objects.create(
        technician=technician,
        outlet=crew_floor["other"],
        weekday=4,
        starts=dt.time(10),
        ends=dt.time(16),
    )
    data = _edit_data(shift4="08:00-12:00")
    response = _client(crew_floor["manager"]).post(_edit_url(technician), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="shifts_error">Friday: 08:00–12:00 overlaps a shift at another outlet' in html


def test_the_manager_adds_and_removes_an_absence(crew_floor):
    technician, today = crew_floor["technician"], crew_floor["today"]
    client = _client(crew_floor["manager"])
    first = today + dt.timedelta(days=20)
    url = f"{_edit_url(technician)}absences/"
    response = client.post(url, {"first_day": first, "last_day": first, "reason": "Dentist"})
    assert response.status_code == 302
    assert technician.absences.count() == 2
    html = client.get(_edit_url(technician)).content.decode()
    assert f"{first:%Y-%m-%d}" in html
    assert "Dentist" in html
    added = technician.absences.get(reason="Dentist")
    response = client.post(f"{url}remove/", {"absence": added.pk})
    assert response.status_code == 302
    assert list(technician.absences.values_list("reason", flat=True)) == ["Training"]


def test_an_absence_ending_before_it_starts_is_refused_as_typed(crew_floor):
    technician, today = crew_floor["technician"], crew_floor["today"]
    first, last = today + dt.timedelta(days=5), today + dt.timedelta(days=3)
    response = _client(crew_floor["manager"]).post(
        f"{_edit_url(technician)}absences/",
        {"first_day": first, "last_day": last, "reason": "Leave"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_last_day_error">' in html
    assert "the last day is before the first" in html
    assert f'value="{first:%Y-%m-%d}"' in html
    assert f'value="{last:%Y-%m-%d}"' in html
    assert technician.absences.count() == 1


def test_another_technicians_absence_cannot_be_removed_here(crew_floor):
    stranger_absence = AbsenceFactory(technician=TechnicianFactory(outlet=crew_floor["other"]))
    url = f"{_edit_url(crew_floor['technician'])}absences/remove/"
    response = _client(crew_floor["manager"]).post(url, {"absence": stranger_absence.pk})
    assert response.status_code == 404


def test_retire_and_bring_back(crew_floor):
    technician = crew_floor["technician"]
    client = _client(crew_floor["manager"])
    assert client.post(f"{_edit_url(technician)}active/").status_code == 302
    technician.refresh_from_db()
    assert not technician.is_active
    assert "Bring Fang Wang back to work" in client.get(_edit_url(technician)).content.decode()
    client.post(f"{_edit_url(technician)}active/")
    technician.refresh_from_db()
    assert technician.is_active


def _chinese(text: str) -> str:
    with translation.override("zh-hans"):
        chinese = translation.gettext(text)
    assert chinese != text, f"no Chinese for {text!r}"
    return chinese


def test_the_pages_and_their_messages_in_chinese(crew_floor):
    manager = crew_floor["manager"]
    manager.language = "zh-hans"
    manager.save()
    client = _client(manager)
    html = client.get(LIST).content.decode()
    assert _chinese("Technicians") in html
    assert _chinese("lapsed") in html
    data = _edit_data(shift0="8 to 12")
    html = client.post(_edit_url(crew_floor["technician"]), data).content.decode()
    assert _chinese("Write each interval as HH:MM-HH:MM.") in html
    offset = client.post(_edit_url(crew_floor["technician"]), _edit_data(shift0="08:00Z-12:00"))
    assert offset.status_code == 400
    assert _chinese("Write each interval as HH:MM-HH:MM.") in offset.content.decode()
    assert _chinese("Skills, certificates and shifts") in html
    assert 'value="8 to 12"' in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_costs_the_same_queries_for_1_or_6_technicians(
    crew_floor, count, django_assert_max_num_queries
):
    for _n in range(count - 1):
        technician = TechnicianFactory(outlet=crew_floor["outlet"], hv_level=HvLevel.AWARE)
        BrandAuthorizationFactory(technician=technician)
        AbsenceFactory(technician=technician)
    client = _client(crew_floor["manager"])
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
