"""A campaign's VIN list from a file on the server (`recall_import`, `recalls.vin_copy`): the
VINs copied in and linked to the platform's cars, a repeat adds nothing, and a file with one bad
line, or another brand's car, imports nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from recalls.models import AffectedVehicle
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from recalls.vin_copy import campaign_import_vin_file
from recalls.vins import VinFileRejected
from vehicles.tests.factories import VehicleFactory, valid_vin, vehicle_model

pytestmark = pytest.mark.django_db


def vin_file(lines: list[str]) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def fifty_vins_three_known() -> tuple[list[str], list]:
    known = VehicleFactory.create_batch(3, model=vehicle_model("luxeed-s7"))
    return [v.vin for v in known] + [valid_vin(n, wmi="LVV") for n in range(47)], known


def test_a_file_of_50_vins_adds_them_and_links_the_known_cars():
    campaign = RecallCampaignFactory()
    vins, known = fifty_vins_three_known()

    result = campaign_import_vin_file(campaign=campaign, stream=vin_file(["VIN", *vins]))

    assert (result.lines, result.vins, result.added, result.already) == (50, 50, 50, 0)
    rows = {row.vin: row for row in campaign.affected_vehicles.all()}
    assert set(rows) == set(vins)
    assert {rows[v.vin].vehicle_id for v in known} == {v.pk for v in known}
    assert sum(row.vehicle_id is not None for row in rows.values()) == 3
    assert {row.source for row in rows.values()} == {AffectedVehicle.Source.LIST}
    assert {row.state for row in rows.values()} == {AffectedVehicle.State.AFFECTED}


def test_importing_the_same_file_again_adds_nothing_and_repeats_in_a_file_count_once():
    campaign = RecallCampaignFactory()
    vins, _ = fifty_vins_three_known()
    campaign_import_vin_file(campaign=campaign, stream=vin_file(vins))

    again = campaign_import_vin_file(
        campaign=campaign, stream=vin_file([*vins, vins[0].lower(), ""])
    )

    assert (again.lines, again.vins, again.added, again.already) == (51, 50, 0, 50)
    assert campaign.affected_vehicles.count() == 50


def test_a_file_with_a_malformed_vin_imports_nothing_and_names_the_line():
    campaign = RecallCampaignFactory()
    kept = AffectedVehicleFactory(campaign=campaign)
    vins, _ = fifty_vins_three_known()
    good = valid_vin(900, wmi="LVV")
    # The same manufacturer's VINs were accepted before it: the wrong check digit must still
    # be caught.
    bad_check_digit = good[:8] + ("0" if good[8] != "0" else "1") + good[9:]
    lines = [*vins, bad_check_digit, "LVV123", *[valid_vin(n, wmi="LVV") for n in range(50, 60)]]

    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vin_file(campaign=campaign, stream=vin_file(lines))

    assert "2 lines" in caught.value.detail
    assert "nothing was imported" in caught.value.detail
    shown = caught.value.fields["file"]
    assert shown[0].startswith(f"Line 51 ({bad_check_digit}): ")
    assert "check digit" in shown[0]
    assert shown[1].startswith("Line 52 (LVV123): ")
    assert list(campaign.affected_vehicles.all()) == [kept]


def test_a_vin_of_another_brand_s_car_refuses_the_whole_file():
    campaign = RecallCampaignFactory()  # Luxeed
    aito = VehicleFactory(model=vehicle_model("aito-m9"))
    lines = [valid_vin(1, wmi="LVV"), aito.vin]

    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vin_file(campaign=campaign, stream=vin_file(lines))

    assert caught.value.fields["file"] == [
        f"Line 2 ({aito.vin}): This VIN is registered as a AITO vehicle; the campaign is for "
        "Luxeed."
    ]
    assert not campaign.affected_vehicles.exists()


def test_in_chinese_a_vin_of_another_brand_s_car_refuses_the_whole_file():
    campaign = RecallCampaignFactory()  # Luxeed
    aito = VehicleFactory(model=vehicle_model("aito-m9"))
    lines = [valid_vin(1, wmi="LVV"), aito.vin]

    with translation.override("zh-hans"), pytest.raises(VinFileRejected) as caught:
        campaign_import_vin_file(campaign=campaign, stream=vin_file(lines))

    (line,) = caught.value.fields["file"]
    assert "问界" in line
    assert "智界" in line
    assert "AITO" not in line
    assert "Luxeed" not in line


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"", "no VIN"), (b"VIN\n\n", "no VIN"), (b"LVV\xff\n", "not UTF-8")],
)
def test_empty_or_undecodable_files_are_refused(data, fragment):
    with pytest.raises(VinFileRejected) as caught:
        campaign_import_vin_file(campaign=RecallCampaignFactory(), stream=io.BytesIO(data))
    assert fragment in caught.value.detail


def test_the_command_imports_a_file_and_prints_the_counts(tmp_path):
    campaign = RecallCampaignFactory()
    vins, _ = fifty_vins_three_known()
    path = tmp_path / "vins.csv"
    path.write_text("\n".join(["VIN", *vins]) + "\n")
    out = io.StringIO()

    call_command("recall_import", campaign.code.lower(), str(path), stdout=out)

    assert f"{campaign.code}: 50 VIN lines, 50 distinct, 50 added" in out.getvalue()
    assert "50 affected, 3 on the platform, 0 notified" in out.getvalue()
    assert campaign.affected_vehicles.count() == 50


def test_the_command_refuses_a_bad_file_with_its_lines_and_imports_nothing(tmp_path):
    campaign = RecallCampaignFactory()
    path = tmp_path / "vins.csv"
    path.write_text(f"{valid_vin(1, wmi='LVV')}\nLVV123\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("recall_import", campaign.code, str(path), stderr=err)

    assert err.getvalue().startswith("Line 2 (LVV123): ")
    assert not campaign.affected_vehicles.exists()


def test_the_command_names_an_unknown_campaign(tmp_path):
    path = tmp_path / "vins.csv"
    path.write_text(f"{valid_vin(1, wmi='LVV')}\n")
    with pytest.raises(CommandError, match="No recall campaign NOPE"):
        call_command("recall_import", "nope", str(path))
