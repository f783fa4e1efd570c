"""My vehicles shows each car's open recalls, in the page's language, without a query per car."""

import pytest
from django.test import Client

from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.tests.factories import VehicleFactory, brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Rear suspension bolt torque check"), ("zh-hans", "后悬架螺栓扭矩检查")],
)
def test_my_vehicles_lists_open_recalls(shop, owner_client, language, title):
    shop.owner.language = language
    shop.owner.save()
    campaign = RecallCampaignFactory(code="AITO-WEB-01", brand=brand("AITO"))
    AffectedVehicleFactory(vehicle=shop.vehicle, campaign=campaign, state="notified")
    AffectedVehicleFactory(vehicle=shop.stranger_vehicle, campaign=campaign)

    page = owner_client.get("/vehicles/").content.decode()

    assert page.count("AITO-WEB-01") == 1
    assert title in page


def test_an_open_recall_links_to_the_outlets_that_do_its_fix_for_this_car(shop, owner_client):
    campaign = RecallCampaignFactory(code="AITO-WEB-03", brand=brand("AITO"))
    AffectedVehicleFactory(vehicle=shop.vehicle, campaign=campaign, state="notified")

    page = owner_client.get("/vehicles/").content.decode()

    fix = campaign.service_type.code
    assert f'href="/outlets/?vehicle={shop.vehicle.pk}&amp;service={fix}"' in page
    assert "Book the free fix" in page


def test_a_booked_fix_is_not_offered_again(shop, owner_client):
    campaign = RecallCampaignFactory(code="AITO-WEB-04", brand=brand("AITO"))
    AffectedVehicleFactory(
        vehicle=shop.vehicle, campaign=campaign, state="booked", outlet=shop.outlet
    )

    page = owner_client.get("/vehicles/").content.decode()

    assert "AITO-WEB-04" in page
    assert "Book the free fix" not in page


def test_recalls_cost_one_query_for_any_number_of_cars(
    shop, owner_client, django_assert_max_num_queries
):
    campaign = RecallCampaignFactory(code="AITO-WEB-02", brand=brand("AITO"))
    for _ in range(5):
        vehicle = VehicleFactory(owner=shop.owner, model=shop.vehicle.model)
        AffectedVehicleFactory(vehicle=vehicle, campaign=campaign)

    # 7: one of them reads the cars lost to their verified owner, whatever the number.
    with django_assert_max_num_queries(7):
        page = owner_client.get("/vehicles/").content.decode()

    assert page.count("AITO-WEB-02") == 5
