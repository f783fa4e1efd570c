import pytest
from django.utils import timezone

from vehicles.models import OdometerReading, Vehicle
from vehicles.ownership import vehicle_owner_verify
from vehicles.tests.factories import VehicleFactory, valid_vin

pytestmark = pytest.mark.django_db

GOOD_VIN = valid_vin(7)


def create(api, **overrides):
    payload = {"vin": GOOD_VIN, "model": "aito-m7", "plate": "沪A12345", "odometer_km": 1500}
    return api.post("/api/v1/vehicles/", {**payload, **overrides})


def test_owner_adds_a_vehicle_with_a_real_vin(owner_api, owner):
    response = create(owner_api, vin=GOOD_VIN.lower())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["vin"] == GOOD_VIN
    assert body["brand"] == {"code": "AITO", "name": "AITO"}
    assert body["model"] == {"code": "aito-m7", "name": "M7"}
    assert body["model_year"] == 2024  # from the VIN's year code
    vehicle = Vehicle.objects.get(vin=GOOD_VIN)
    assert vehicle.owner == owner
    assert list(vehicle.odometer_readings.values_list("km", flat=True)) == [1500]


@pytest.mark.parametrize(
    "vin",
    [
        GOOD_VIN[:8] + str((int(GOOD_VIN[8]) + 1) % 10 if GOOD_VIN[8] != "X" else 0) + GOOD_VIN[9:],
        GOOD_VIN[:16],
        GOOD_VIN[:16] + "O",
        GOOD_VIN[:16] + "I",
        GOOD_VIN[:16] + "Q",
    ],
    ids=["check-digit", "length", "letter-O", "letter-I", "letter-Q"],
)
def test_mistyped_vin_is_a_field_error(owner_api, vin):
    response = create(owner_api, vin=vin)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["vin"]
    assert not Vehicle.objects.exists()


def test_a_vin_held_unverified_by_another_account_can_still_be_added(owner_api, other_owner_api):
    # Anyone can type a VIN from a windscreen: holding one unverified proves nothing, so the
    # rightful owner is never locked out by a squatter.
    assert create(owner_api).status_code == 201
    response = create(other_owner_api, vin=GOOD_VIN.lower())
    assert response.status_code == 201
    assert response.json()["verified_at"] is None
    assert Vehicle.objects.filter(vin=GOOD_VIN).count() == 2


def test_the_same_account_cannot_add_a_vin_twice(owner_api):
    assert create(owner_api).status_code == 201
    response = create(owner_api, vin=GOOD_VIN.lower())
    assert response.status_code == 400
    assert response.json()["fields"] == {"vin": ["This vehicle is already among your vehicles."]}
    assert Vehicle.objects.count() == 1


def test_a_car_verified_to_someone_else_is_refused_with_how_to_claim_it(owner_api, other_owner_api):
    assert create(owner_api).status_code == 201
    Vehicle.objects.filter(vin=GOOD_VIN).update(
        verified_at=timezone.now(), verified_via=Vehicle.VerifiedVia.COUNTER
    )
    response = create(other_owner_api)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "vehicle_verified_elsewhere"
    assert "registration certificate" in body["detail"]
    assert "counter" in body["detail"]
    assert Vehicle.objects.count() == 1


def test_model_year_must_match_the_vin(owner_api):
    response = create(owner_api, model_year=2021)
    assert response.status_code == 400
    assert "model_year" in response.json()["fields"]


def test_unknown_model_is_a_field_error(owner_api):
    response = create(owner_api, model="tesla-model-3")
    assert response.status_code == 400
    assert "model" in response.json()["fields"]


def test_odometer_only_goes_up(owner_api, owner):
    vehicle = VehicleFactory(owner=owner, odometer_km=20000)
    up = owner_api.patch(f"/api/v1/vehicles/{vehicle.pk}/", {"odometer_km": 21000})
    assert up.status_code == 200
    assert up.json()["odometer_km"] == 21000

    down = owner_api.patch(f"/api/v1/vehicles/{vehicle.pk}/", {"odometer_km": 20999})
    assert down.status_code == 400
    assert list(down.json()["fields"]) == ["odometer_km"]
    vehicle.refresh_from_db()
    assert vehicle.odometer_km == 21000
    assert OdometerReading.objects.filter(vehicle=vehicle).count() == 1


def test_vin_and_owner_are_not_writable(owner_api, owner, other_owner):
    vehicle = VehicleFactory(owner=owner)
    response = owner_api.patch(
        f"/api/v1/vehicles/{vehicle.pk}/", {"vin": valid_vin(99), "owner": other_owner.pk}
    )
    assert response.status_code == 200
    vehicle.refresh_from_db()
    assert vehicle.owner == owner
    assert vehicle.vin != valid_vin(99)


def test_owners_see_only_their_own_vehicles(owner_api, owner, other_owner):
    mine = VehicleFactory(owner=owner)
    VehicleFactory(owner=other_owner)
    response = owner_api.get("/api/v1/vehicles/")
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["results"]] == [mine.pk]


@pytest.mark.parametrize(
    ("method", "payload"),
    [("get", None), ("patch", {"plate": "沪B00001"}), ("delete", None)],
)
def test_another_owners_vehicle_is_not_found(owner_api, other_owner, method, payload):
    theirs = VehicleFactory(owner=other_owner, plate="沪C99999")
    response = getattr(owner_api, method)(f"/api/v1/vehicles/{theirs.pk}/", payload)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
    theirs.refresh_from_db()
    assert theirs.plate == "沪C99999"


def test_owner_deletes_an_unbooked_vehicle(owner_api, owner):
    vehicle = VehicleFactory(owner=owner)
    assert owner_api.delete(f"/api/v1/vehicles/{vehicle.pk}/").status_code == 204
    assert not Vehicle.objects.filter(pk=vehicle.pk).exists()


def test_a_verified_vehicle_is_kept_with_the_record_of_its_owner(owner_api, owner):
    vehicle = VehicleFactory(owner=owner)
    vehicle_owner_verify(
        owner=owner, vin=vehicle.vin, via=Vehicle.VerifiedVia.DELIVERY_RECORD, template=vehicle
    )
    response = owner_api.delete(f"/api/v1/vehicles/{vehicle.pk}/")
    assert response.status_code == 409
    assert "next owner verifies it" in response.json()["detail"]
    assert Vehicle.objects.filter(pk=vehicle.pk, released_at__isnull=True).exists()


def test_vehicles_need_authentication(api):
    assert api.get("/api/v1/vehicles/").status_code == 401


def test_vehicle_list_query_count_is_constant(owner_api, owner, django_assert_max_num_queries):
    VehicleFactory.create_batch(15, owner=owner)
    with django_assert_max_num_queries(4):
        response = owner_api.get("/api/v1/vehicles/")
    assert response.json()["count"] == 15


def test_catalog_lists_the_five_brands_and_filters_models(api):
    brands = api.get("/api/v1/brands/").json()
    assert {b["code"] for b in brands} == {"AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE"}
    stelato = next(b for b in brands if b["code"] == "STELATO")
    assert stelato["name_zh"] == "享界"
    assert stelato["also_known_as"] == "Enjoyland"

    models = api.get("/api/v1/vehicle-models/", {"brand": "luxeed"}).json()
    assert models
    assert {m["brand"] for m in models} == {"LUXEED"}
    assert all(m["maintenance_interval_km"] > 0 for m in models)


def test_a_plate_longer_once_in_capitals_is_refused_on_its_field(owner_api):
    """ "ß" is "SS" in capitals: nine of them fit the form and not the column."""
    created = owner_api.post(
        "/api/v1/vehicles/",
        {"vin": valid_vin(5), "model": "aito-m7", "plate": "ß" * 9},
        format="json",
    )
    assert created.status_code == 400
    assert "plate" in created.json()["fields"]
