import json

import pytest

from conftest import client_for
from outlets.tests.factories import OutletMembershipFactory
from vehicles.models import DeliveryRecord
from vehicles.ownership import latest_delivery_record
from vehicles.tests.factories import (
    BrandMembershipFactory,
    VehicleFactory,
    brand,
    valid_vin,
    vehicle_model,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/delivery-records/"


@pytest.fixture
def aito_admin():
    return BrandMembershipFactory(brand=brand("AITO")).user


def upload_csv(user, text: str, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client_for(user).generic(
        "POST", f"{URL}?{query}" if query else URL, text.encode(), content_type="text/csv"
    )


def test_a_brand_admin_uploads_delivery_records_as_csv(aito_admin):
    text = f"VIN,phone\n{valid_vin(1)},13900000001\n{valid_vin(2)},+86 139 0000 0002\n"
    response = upload_csv(aito_admin, text)
    assert response.status_code == 200, response.json()
    assert response.json() == {"brand": "AITO", "lines": 2, "added": 2, "already": 0}
    assert set(DeliveryRecord.objects.values_list("buyer_phone", flat=True)) == {
        "+8613900000001",
        "+8613900000002",
    }
    assert upload_csv(aito_admin, text).json()["already"] == 2  # repeating adds nothing


def test_json_records_are_accepted(aito_admin):
    body = json.dumps([{"vin": valid_vin(3), "buyer_phone": "13900000003"}])
    response = client_for(aito_admin).generic(
        "POST", URL, body.encode(), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert DeliveryRecord.objects.get().vin == valid_vin(3)


def test_one_bad_line_imports_nothing_and_each_bad_line_is_named(aito_admin):
    foreign = VehicleFactory(vin=valid_vin(9, wmi="LVV"), model=vehicle_model("luxeed-s7")).vin
    text = "\n".join(
        [
            "vin,phone",
            f"{valid_vin(4)},13900000004",
            "LM8NOTAVIN,13900000005",
            f"{valid_vin(6)},12345",
            f"{foreign},13900000007",
        ]
    )
    response = upload_csv(aito_admin, text)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_delivery_file"
    lines = body["fields"]["file"]
    assert [line.split(":")[0] for line in lines] == ["Line 3", "Line 4", "Line 5"]
    assert "phone" in lines[1]
    assert "Luxeed" in lines[2]
    assert not DeliveryRecord.objects.exists()


def test_another_brands_records_answer_404(aito_admin):
    response = upload_csv(aito_admin, f"{valid_vin(1)},13900000001", brand="LUXEED")
    assert response.status_code == 404
    assert not DeliveryRecord.objects.exists()


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_people_who_are_not_brand_admins_get_404(who, owner):
    user = owner if who == "owner" else OutletMembershipFactory().user
    assert upload_csv(user, f"{valid_vin(1)},13900000001").status_code == 404


def test_a_file_csv_or_json_cannot_read_answers_400(aito_admin):
    long_cell = upload_csv(aito_admin, f"{valid_vin(1)},13900000001\n{'A' * 140_000},1\n")
    assert long_cell.status_code == 400
    assert long_cell.json()["fields"]["file"][0].startswith("Line 2 cannot be read as CSV")
    deep = client_for(aito_admin).generic(
        "POST", URL, ("[" * 50_000 + "]" * 50_000).encode(), content_type="application/json"
    )
    assert deep.status_code == 400
    assert not DeliveryRecord.objects.exists()


def test_a_record_uploaded_again_becomes_its_vins_latest(aito_admin, time_machine):
    # Sold to the first buyer, resold, then bought back (or the later line was a mistake): the
    # brand's last word names the first buyer again, and the owner's code must go there.
    vin = valid_vin(4)
    for day, phone in [("2026-01-05", "13900000001"), ("2026-03-05", "13900000002")]:
        time_machine.move_to(f"{day}T10:00:00+08:00")
        upload_csv(aito_admin, f"{vin},{phone}\n")
    time_machine.move_to("2026-06-05T10:00:00+08:00")
    response = upload_csv(aito_admin, f"{vin},13900000001\n")
    assert response.json()["already"] == 1
    assert latest_delivery_record(vin=vin, brand_id=brand("AITO").pk).buyer_phone == (
        "+8613900000001"
    )
    assert DeliveryRecord.objects.filter(vin=vin).count() == 2
