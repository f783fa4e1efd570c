"""The recall API: the permission matrix over every endpoint, creating a campaign and uploading
its VIN list over HTTP, the error shape, query counts, and open recalls on the vehicle API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outlets.tests.factories import OutletFactory
from recalls.models import AffectedVehicle, RecallCampaign
from recalls.tests.conftest import ROLES
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import VehicleFactory, brand, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db

CREATE = {
    "brand": "LUXEED",
    "code": "LX-NEW-01",
    "title_zh": "高压连接器检查",
    "title_en": "High-voltage connector check",
    "description_zh": "连接器可能松动。",
    "description_en": "The connector may work loose.",
    "service": "rcl-hv-connector",
    "models": ["luxeed-s7"],
    "model_year_from": 2024,
}

# endpoint -> (method, path, expected per role in ROLES)
MATRIX = {
    "list": ("get", "/api/v1/recalls/", [401, 404, 404, 200, 200, 200]),
    "list-csv": ("get", "/api/v1/recalls/?format=csv", [401, 404, 404, 200, 200, 200]),
    "create": ("post", "/api/v1/recalls/", [401, 404, 404, 404, 201, 201]),
    "detail": ("get", "/api/v1/recalls/LX-MATRIX/", [401, 404, 404, 404, 200, 200]),
    "detail-csv": ("get", "/api/v1/recalls/lx-matrix/?format=csv", [401, 404, 404, 404, 200, 200]),
    "vins": ("vins", "/api/v1/recalls/LX-MATRIX/vins/", [401, 404, 404, 404, 200, 200]),
}
CASES = [
    pytest.param(endpoint, role, expected[i], id=f"{endpoint}-{role}")
    for endpoint, (*_, expected) in MATRIX.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES)
def test_permission_matrix(people, endpoint, role, expected):
    campaign = RecallCampaignFactory(code="LX-MATRIX")
    method, path, _ = MATRIX[endpoint]
    client = people.api(role)
    if method == "vins":
        response = client.post(path, f"{valid_vin(1, 'LVV')}\n", content_type="text/csv")
    elif method == "post":
        response = client.post(path, CREATE, format="json")
    else:
        response = client.get(path)

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        body = response.json()
        assert set(body) == {"code", "detail"}
        assert body["code"] == {401: "not_authenticated", 404: "not_found"}[expected]
        assert RecallCampaign.objects.count() == 1
        assert not campaign.affected_vehicles.exists()


def test_a_brand_admin_lists_only_their_brand_s_campaigns(people):
    luxeed = RecallCampaignFactory(code="LX-1")
    aito = RecallCampaignFactory(code="AT-1", brand=brand("AITO"))

    def codes(who):
        return {c["code"] for c in people.api(who).get("/api/v1/recalls/").json()["results"]}

    assert codes("brand_admin") == {luxeed.code}
    assert codes("other_brand_admin") == {aito.code}
    assert codes("alliance_admin") == {luxeed.code, aito.code}


def test_brand_admin_creates_a_campaign_then_uploads_its_vin_file(people):
    in_range = VehicleFactory(model=vehicle_model("luxeed-s7"), model_year=2024)
    listed = VehicleFactory(model=vehicle_model("luxeed-r7"), model_year=2024)
    api = people.api("brand_admin")

    created = api.post("/api/v1/recalls/", {**CREATE, "brand": None} | {"code": "lx-new-01"})
    assert created.status_code == 400  # brand: null is not a brand code
    payload = {key: value for key, value in CREATE.items() if key != "brand"}
    created = api.post("/api/v1/recalls/", payload, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["code"] == "LX-NEW-01"
    assert body["brand"] == "LUXEED"
    assert body["service"] == "rcl-hv-connector"
    assert body["models"] == ["luxeed-s7"]
    assert body["progress"]["affected"] == 1
    assert body["outlets"] == []

    file_text = f"VIN\n{listed.vin}\n{in_range.vin}\n{valid_vin(77, 'LVV')}\n"
    uploaded = api.post("/api/v1/recalls/LX-NEW-01/vins/", file_text, content_type="text/csv")
    assert uploaded.status_code == 200, uploaded.json()
    assert uploaded.json() == {
        "campaign": "LX-NEW-01",
        "lines": 3,
        "vins": 3,
        "added": 2,
        "already": 1,
        "progress": {
            "affected": 3,
            "registered": 2,
            "notified": 0,
            "booked": 0,
            "completed": 0,
            "completion_rate": 0.0,
        },
    }


def test_a_vin_file_as_a_multipart_upload(people, tmp_path):
    RecallCampaignFactory(code="LX-MP")
    api = people.api("brand_admin")
    path = tmp_path / "vins.csv"
    path.write_text(f"{valid_vin(1, 'LVV')}\n{valid_vin(2, 'LVV')}\n")

    with open(path, "rb") as upload:
        response = api.post("/api/v1/recalls/LX-MP/vins/", {"file": upload}, format="multipart")
    missing = api.post("/api/v1/recalls/LX-MP/vins/", {"other": "x"}, format="multipart")

    assert response.status_code == 200, response.json()
    assert response.json()["added"] == 2
    assert missing.status_code == 400
    assert "file" in missing.json()["fields"]


def test_a_bad_vin_file_answers_400_naming_each_line_and_imports_nothing(people):
    RecallCampaignFactory(code="LX-BAD")
    api = people.api("brand_admin")
    text = f"{valid_vin(1, 'LVV')}\nNOT-A-VIN\n{valid_vin(2, 'LVV')}\n12345678901234567\n"

    response = api.post("/api/v1/recalls/LX-BAD/vins/", text, content_type="text/csv")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_vin_file"
    assert "2 lines" in body["detail"]
    assert [line.split(":")[0] for line in body["fields"]["file"]] == [
        "Line 2 (NOT-A-VIN)",
        "Line 4 (12345678901234567)",
    ]
    assert not AffectedVehicle.objects.exists()


def test_a_vin_file_csv_cannot_read_answers_400(people):
    RecallCampaignFactory(code="LX-LONG")
    api = people.api("brand_admin")
    text = f"{valid_vin(1, 'LVV')}\n{'A' * 140_000}\n"
    response = api.post("/api/v1/recalls/LX-LONG/vins/", text, content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["fields"]["file"][0].startswith("Line 2 cannot be read as CSV")
    assert not AffectedVehicle.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service": "no-such-service"}, "service"),
        ({"service": "annual-maintenance"}, "service"),
        ({"models": ["aito-m9"]}, "models"),
        ({"models": ["no-such-model"]}, "models"),
        ({"brand": "NOPE"}, "brand"),
        ({"code": "bad code!"}, "code"),
        ({"model_year_from": 2026, "model_year_to": 2024}, "model_year_to"),
        ({"title_en": ""}, "title_en"),
    ],
)
def test_bad_campaign_input_is_a_400_field_error(people, change, field):
    response = people.api("brand_admin").post("/api/v1/recalls/", {**CREATE, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not RecallCampaign.objects.exists()


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_campaign_list_and_detail_query_counts_do_not_grow(people, django_assert_max_num_queries):
    api = people.api("brand_admin")
    pudong, nanshan = OutletFactory(), OutletFactory()

    def add_campaign():
        campaign = RecallCampaignFactory(vehicle_models=[vehicle_model("luxeed-s7")])
        AffectedVehicleFactory.create_batch(3, campaign=campaign)
        AffectedVehicleFactory(campaign=campaign, state="booked", outlet=pudong)
        AffectedVehicleFactory(campaign=campaign, state="done", outlet=nanshan)
        return campaign

    first = add_campaign()
    paths = [
        "/api/v1/recalls/",
        "/api/v1/recalls/?format=csv",
        f"/api/v1/recalls/{first.code}/",
        f"/api/v1/recalls/{first.code}/?format=csv",
    ]
    with_one = [_queries(lambda p=p: api.get(p)) for p in paths]
    for _ in range(11):
        add_campaign()
    # auth (memberships) + count + page + models prefetch; the detail: + its outlets
    with django_assert_max_num_queries(5):
        listed = api.get("/api/v1/recalls/")
    with_twelve = [_queries(lambda p=p: api.get(p)) for p in paths]

    assert with_twelve == with_one
    assert max(with_one) <= 5
    assert listed.json()["count"] == 12
    assert all(c["progress"]["affected"] == 5 for c in listed.json()["results"])
    csv_lines = api.get("/api/v1/recalls/", {"format": "csv"}).content.decode().splitlines()
    assert len(csv_lines) == 13


def test_the_vehicle_api_shows_open_recalls(owner_api, owner, django_assert_max_num_queries):
    s7 = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))
    other = VehicleFactory(owner=owner, model=vehicle_model("luxeed-r7"))
    open_one = AffectedVehicleFactory(vehicle=s7, campaign=RecallCampaignFactory(code="LX-OPEN"))
    AffectedVehicleFactory(vehicle=s7, state="done", outlet=OutletFactory())  # done: not open
    closed = RecallCampaignFactory(code="LX-CLOSED", status=RecallCampaign.Status.CLOSED)
    AffectedVehicleFactory(vehicle=s7, campaign=closed)
    # An AITO campaign listing this Luxeed's VIN (before the car was registered) is not its.
    AffectedVehicle.objects.create(
        campaign=RecallCampaignFactory(code="AT-X", brand=brand("AITO")), vin=s7.vin, source="list"
    )
    VehicleFactory.create_batch(10, owner=owner)

    with django_assert_max_num_queries(4):
        listed = owner_api.get("/api/v1/vehicles/", {"page_size": 50}).json()["results"]
    detail = owner_api.get(f"/api/v1/vehicles/{s7.pk}/").json()

    recalls = {v["id"]: v["open_recalls"] for v in listed}
    assert recalls[other.pk] == []
    assert [r["campaign"] for r in recalls[s7.pk]] == [open_one.campaign.code]
    assert detail["open_recalls"] == recalls[s7.pk]
    assert detail["open_recalls"][0] == {
        "campaign": "LX-OPEN",
        "title_zh": open_one.campaign.title_zh,
        "title_en": open_one.campaign.title_en,
        "description_zh": open_one.campaign.description_zh,
        "description_en": open_one.campaign.description_en,
        "service": "rcl-campaign",
        "state": "affected",
        "outlet": None,
        "booking": "",
    }


def test_csv_is_for_reads_and_errors_keep_the_json_shape(people):
    RecallCampaignFactory(code="LX-CSV")
    api = people.api("brand_admin")

    write = api.post("/api/v1/recalls/?format=csv", CREATE, format="json")
    upload = api.post(
        "/api/v1/recalls/LX-CSV/vins/?format=csv", "NOT-A-VIN\n", content_type="text/csv"
    )
    unknown = api.get("/api/v1/recalls/LX-NONE/", {"format": "csv"})

    assert write.status_code == 404
    assert write.json()["code"] == "not_found"
    assert not RecallCampaign.objects.filter(code="LX-NEW-01").exists()
    assert upload.status_code == 404  # the upload has no CSV answer either
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/json"
    assert unknown.json()["code"] == "not_found"
