"""Campaigns: who they affect (model-year range, VIN list), the all-or-nothing VIN import, and
the progress figures, worked out by hand on constructed cases."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hima_service.celery import app as celery_app
from hima_service.testing import queued_messages
from outlets.tests.factories import OutletFactory, ServiceTypeFactory
from recalls.models import AffectedVehicle
from recalls.selectors import campaign_outlet_progress, campaign_progress
from recalls.services import (
    NOTICE_SCAN_TASK,
    affected_link_vehicles,
    affected_resolve_ranges,
    campaign_create,
    notice_scan_kick,
    recall_claim_for_booking,
)
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory, recall_service
from recalls.vins import MAX_LINES, VinFileRejected, campaign_import_vins, parse_vin_file
from vehicles.tests.factories import VehicleFactory, brand, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db

State = AffectedVehicle.State
NOTIFIED_AT = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)


def create(actor, **overrides):
    fields = {
        "brand": brand("LUXEED"),
        "code": "lx-2026-01",
        "title_zh": "高压连接器检查",
        "title_en": "High-voltage connector check",
        "description_zh": "连接器可能松动。",
        "description_en": "The connector may work loose.",
        "service_type": recall_service("rcl-hv-connector"),
        **overrides,
    }
    return campaign_create(actor=actor, **fields)


def affected_vins(campaign) -> set[str]:
    return set(campaign.affected_vehicles.values_list("vin", flat=True))


def test_a_campaign_affects_its_models_within_the_model_year_range(people):
    s7 = vehicle_model("luxeed-s7")
    inside = [VehicleFactory(model=s7, model_year=year) for year in (2023, 2024)]
    VehicleFactory(model=s7, model_year=2022)  # before the range
    VehicleFactory(model=s7, model_year=2025)  # after it
    VehicleFactory(model=vehicle_model("luxeed-r7"), model_year=2024)  # another model

    campaign = create(
        people.brand_admin, vehicle_models=[s7], model_year_from=2023, model_year_to=2024
    )

    assert campaign.code == "LX-2026-01"
    assert affected_vins(campaign) == {v.vin for v in inside}
    rows = campaign.affected_vehicles.all()
    assert {(r.source, r.state, r.vehicle_id) for r in rows} == {
        ("range", "affected", v.pk) for v in inside
    }


@pytest.mark.parametrize(("language", "brand_name"), [("en", "Luxeed"), ("zh-hans", "智界")])
def test_another_brand_s_models_are_refused_naming_the_brand(people, language, brand_name):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        create(people.brand_admin, vehicle_models=[vehicle_model("aito-m9")])

    (message,) = caught.value.message_dict["models"]
    assert brand_name in message
    assert "aito-m9" in message


def test_a_car_registered_later_inside_the_range_is_caught_by_the_next_resolution(people):
    s7 = vehicle_model("luxeed-s7")
    campaign = create(people.brand_admin, vehicle_models=[s7], model_year_from=2024)
    assert affected_vins(campaign) == set()
    later = VehicleFactory(model=s7, model_year=2024)

    assert affected_resolve_ranges() == 1
    assert affected_resolve_ranges() == 0  # already in: nothing added twice
    assert affected_vins(campaign) == {later.vin}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_type": "maintenance"}, "service"),
        ({"vehicle_models": ["aito-m9"]}, "models"),
        ({"model_year_from": 2024}, "models"),  # years without models
        ({"vehicle_models": ["luxeed-s7"], "model_year_from": 2025, "model_year_to": 2024}, None),
    ],
)
def test_campaign_rules(people, overrides, field):
    if overrides.get("service_type") == "maintenance":
        overrides["service_type"] = ServiceTypeFactory(code="annual-maintenance")
    if "vehicle_models" in overrides:
        overrides["vehicle_models"] = [vehicle_model(c) for c in overrides["vehicle_models"]]
    with pytest.raises(ValidationError) as caught:
        create(people.brand_admin, **overrides)
    assert (field or "model_year_to") in caught.value.message_dict


def test_a_code_is_unique_in_any_case(people):
    create(people.brand_admin)
    with pytest.raises(ValidationError) as caught:
        create(people.brand_admin, code="LX-2026-01")
    assert "code" in caught.value.message_dict


# --- the VIN file ---


def test_a_file_with_bad_lines_imports_nothing_and_names_each_line():
    campaign = RecallCampaignFactory()
    good = valid_vin(1, wmi="LVV")
    bad_check_digit = good[:8] + ("0" if good[8] != "0" else "1") + good[9:]
    text = "\n".join(
        [
            "VIN",  # a header line is skipped
            good,
            bad_check_digit,
            "",  # a blank line is skipped
            "LVV123",
            valid_vin(2, wmi="LVV").lower(),  # lower case is fine
            "LVVAB2C3IR0000003",  # I is not in the VIN alphabet
        ]
    )

    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vins(campaign=campaign, data=text.encode())

    error = caught.value
    assert error.code == "invalid_vin_file"
    assert "3 lines" in error.detail
    lines = error.fields["file"]
    assert len(lines) == 3
    assert lines[0].startswith(f"Line 3 ({bad_check_digit}): ")
    assert "check digit" in lines[0]
    assert lines[1].startswith("Line 5 (LVV123): ")
    assert "17" in lines[1]
    assert lines[2].startswith("Line 7 (LVVAB2C3IR0000003): ")
    assert not AffectedVehicle.objects.exists()


def test_a_vin_of_another_brand_s_registered_car_is_a_bad_line():
    campaign = RecallCampaignFactory()  # Luxeed
    aito = VehicleFactory(model=vehicle_model("aito-m9"))
    text = f"{valid_vin(1, wmi='LVV')}\n{aito.vin}\n"

    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vins(campaign=campaign, data=text.encode())

    assert caught.value.fields["file"] == [
        f"Line 2 ({aito.vin}): This VIN is registered as a AITO vehicle; the campaign is for "
        "Luxeed."
    ]
    assert not AffectedVehicle.objects.exists()


def test_in_chinese_a_vin_of_another_brand_s_registered_car_is_a_bad_line():
    campaign = RecallCampaignFactory()  # Luxeed
    aito = VehicleFactory(model=vehicle_model("aito-m9"))
    text = f"{valid_vin(1, wmi='LVV')}\n{aito.vin}\n"

    with translation.override("zh-hans"), pytest.raises(VinFileRejected) as caught:
        campaign_import_vins(campaign=campaign, data=text.encode())

    (line,) = caught.value.fields["file"]
    assert "问界" in line
    assert "智界" in line
    assert "AITO" not in line
    assert "Luxeed" not in line


def test_a_good_file_links_known_cars_keeps_unknown_vins_and_repeats_add_nothing():
    campaign = RecallCampaignFactory()
    known = VehicleFactory(model=vehicle_model("luxeed-s7"))
    unknown = valid_vin(9001, wmi="LVV")
    data = f"vin,plate\n{known.vin},沪A\n{unknown}\n{known.vin.lower()}\n".encode()

    first = campaign_import_vins(campaign=campaign, data=b"\xef\xbb\xbf" + data)
    again = campaign_import_vins(campaign=campaign, data=data)

    assert (first.lines, first.vins, first.added, first.already) == (3, 2, 2, 0)
    assert (again.added, again.already) == (0, 2)
    rows = {r.vin: r for r in campaign.affected_vehicles.all()}
    assert rows[known.vin].vehicle == known
    assert rows[unknown].vehicle is None
    # The owner registers the unknown car later: the scan links it.
    later = VehicleFactory(vin=unknown, model=vehicle_model("luxeed-r7"))
    assert affected_link_vehicles() == 1
    assert AffectedVehicle.objects.get(vin=unknown).vehicle == later


def test_a_file_of_100000_lines_goes_in_with_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    campaign = RecallCampaignFactory()
    known = VehicleFactory.create_batch(3, model=vehicle_model("luxeed-s7"))
    vins = [v.vin for v in known] + [valid_vin(n, wmi="LVV") for n in range(10, MAX_LINES + 7)]
    assert len(vins) == MAX_LINES
    data = ("\r\n".join(vins) + "\r\n").encode()

    with django_assert_max_num_queries(4):
        result = campaign_import_vins(campaign=campaign, data=data)

    assert (result.lines, result.added) == (MAX_LINES, MAX_LINES)
    assert campaign.affected_vehicles.count() == MAX_LINES
    assert campaign.affected_vehicles.filter(vehicle__isnull=False).count() == 3


def test_a_file_over_the_line_limit_is_refused():
    text = "\n".join(valid_vin(n, wmi="LVV") for n in range(MAX_LINES + 1))
    with pytest.raises(VinFileRejected) as caught:
        parse_vin_file(text)
    assert "at most 100000" in caught.value.detail


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"", "no VIN"), (b"\n\n", "no VIN"), (b"\xff\xfe\x00", "UTF-8"), (b"vin\n", "no VIN")],
)
def test_empty_or_undecodable_files_are_refused(data, fragment):
    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vins(campaign=RecallCampaignFactory(), data=data)
    assert fragment in caught.value.detail


# --- progress ---


def test_progress_overall_and_per_outlet_on_a_constructed_campaign():
    campaign = RecallCampaignFactory()
    pudong, nanshan = OutletFactory(code="SH-PUDONG-01"), OutletFactory(code="SZ-NANSHAN-01")
    # 10 VINs: 2 not on the platform (never notified), 1 affected on the platform, 2 notified,
    # at Pudong 2 booked and 2 done, at Nanshan 1 done.
    for n in range(2):
        AffectedVehicle.objects.create(
            campaign=campaign, vin=valid_vin(500 + n, "LVV"), source="list"
        )
    AffectedVehicleFactory(campaign=campaign)
    for state, outlet, count in [
        (State.NOTIFIED, None, 2),
        (State.BOOKED, pudong, 2),
        (State.DONE, pudong, 2),
        (State.DONE, nanshan, 1),
    ]:
        AffectedVehicleFactory.create_batch(
            count, campaign=campaign, state=state, outlet=outlet, notified_at=NOTIFIED_AT
        )
    AffectedVehicleFactory(campaign=RecallCampaignFactory(), state=State.DONE, outlet=pudong)

    progress = campaign_progress(campaign_id=campaign.pk)

    assert (progress.affected, progress.registered, progress.notified) == (10, 8, 7)
    assert (progress.booked, progress.completed) == (2, 3)
    assert progress.completion_rate == Decimal("0.3000")
    outlets = {o.outlet: o for o in campaign_outlet_progress(campaign)}
    assert set(outlets) == {"SH-PUDONG-01", "SZ-NANSHAN-01"}
    assert (outlets["SH-PUDONG-01"].booked, outlets["SH-PUDONG-01"].completed) == (2, 2)
    assert outlets["SH-PUDONG-01"].completion_rate == Decimal("0.5000")
    assert (outlets["SZ-NANSHAN-01"].booked, outlets["SZ-NANSHAN-01"].completed) == (0, 1)
    assert outlets["SZ-NANSHAN-01"].completion_rate == Decimal("1.0000")


def test_progress_csv_parses_back_to_the_json_numbers(people):
    campaign = RecallCampaignFactory(code="LX-CSV-01")
    pudong = OutletFactory(code="SH-PUDONG-01", name="浦东旗舰店")
    AffectedVehicleFactory.create_batch(2, campaign=campaign)
    AffectedVehicleFactory(campaign=campaign, state=State.BOOKED, outlet=pudong)
    AffectedVehicleFactory(campaign=campaign, state=State.DONE, outlet=pudong)
    api = people.api("brand_admin")

    body = api.get("/api/v1/recalls/lx-csv-01/").json()
    response = api.get("/api/v1/recalls/lx-csv-01/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="recall_LUXEED_LX-CSV-01.csv"'
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert len(rows) == len(body["outlets"]) + 1 == 2
    outlet, total = rows
    assert outlet["outlet"] == "SH-PUDONG-01"
    assert outlet["outlet_name"] == "浦东旗舰店"
    json_outlet = body["outlets"][0]
    for key in ("booked", "completed"):
        assert int(outlet[key]) == json_outlet[key]
    assert Decimal(outlet["completion_rate"]) == Decimal(str(json_outlet["completion_rate"]))
    assert total["outlet"] == ""
    for key in ("affected", "registered", "notified", "booked", "completed"):
        assert int(total[key]) == body["progress"][key]
    assert Decimal(total["completion_rate"]) == Decimal(str(body["progress"]["completion_rate"]))
    assert body["progress"]["completion_rate"] == 0.25


def test_a_broker_outage_when_a_campaign_opens_is_only_logged(monkeypatch, caplog):
    def refuse(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(celery_app, "connection_for_write", refuse)
    notice_scan_kick()  # what campaign create and the VIN upload run after commit
    assert "beat will run it" in caplog.text


def test_the_notice_scan_kick_queues_the_scan_asking_for_no_result(broker_queue):
    notice_scan_kick()
    [message] = queued_messages(broker_queue)
    assert message["headers"]["task"] == NOTICE_SCAN_TASK
    assert message["headers"]["ignore_result"] is True


def test_one_booking_of_a_fix_claims_every_open_campaign_that_fix_closes():
    vehicle = VehicleFactory(model=vehicle_model("luxeed-s7"))
    rows = [AffectedVehicleFactory(vehicle=vehicle) for _ in range(2)]
    other_fix = AffectedVehicleFactory(
        vehicle=vehicle,
        campaign=RecallCampaignFactory(service_type=recall_service("rcl-hv-connector")),
    )

    claim = recall_claim_for_booking(vehicle=vehicle, services=[recall_service()])

    assert {row.pk for row in claim.rows} == {row.pk for row in rows}
    assert claim.free_service_ids == {recall_service().pk}
    assert other_fix.pk not in {row.pk for row in claim.rows}


def test_no_recall_service_costs_no_query(django_assert_num_queries):
    vehicle, service = VehicleFactory(), ServiceTypeFactory(code="annual-maintenance")
    with django_assert_num_queries(0):
        claim = recall_claim_for_booking(vehicle=vehicle, services=[service])
    assert claim.rows == []
    assert claim.free_service_ids == set()
