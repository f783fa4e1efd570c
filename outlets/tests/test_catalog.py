"""The standard service catalog (data migration 0002) and GET /api/v1/service-types/."""

import pytest

from outlets.models import Capability, ServiceType

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-types/"


def catalog() -> list[ServiceType]:
    return list(ServiceType.objects.filter(code__regex=r"^(mnt|rep|dgn|tyr|bat|adas|body|rcl|sw)-"))


def test_catalog_covers_every_category_with_at_least_15_types():
    services = catalog()
    assert len(services) >= 15
    assert {s.category for s in services} == set(ServiceType.Category.values)


def test_every_entry_is_complete():
    for service in catalog():
        assert service.name, service.code
        assert service.name_zh, service.code
        assert 5 <= service.labour_minutes <= 8 * 60, service.code
        assert service.capability in Capability.values, service.code
        assert service.price >= 0, service.code
        assert 3 <= len(service.checklist) <= 8, service.code
        assert all(isinstance(item, str) and item.strip() for item in service.checklist)
        assert len(set(service.checklist)) == len(service.checklist), service.code


def test_every_bay_capability_is_needed_by_some_service():
    assert {s.capability for s in catalog()} == set(Capability.values)


def test_only_periodic_maintenance_counts_as_maintenance():
    counting = {s.code for s in catalog() if s.counts_as_maintenance}
    assert counting == {"mnt-annual", "mnt-erev-oil"}
    assert all(s.category == "maintenance" for s in catalog() if s.counts_as_maintenance)


def test_anyone_reads_the_catalog(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = api.get(URL)
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert rows["adas-cam-cal"] == {
        "code": "adas-cam-cal",
        "name": "Front camera and radar calibration",
        "name_zh": "前视摄像头及毫米波雷达标定",
        "category": "adas",
        "labour_minutes": 90,
        "capability": "adas_calibration",
        "price": "800.00",
        "checklist": rows["adas-cam-cal"]["checklist"],
        "counts_as_maintenance": False,
    }
    assert len(rows["adas-cam-cal"]["checklist"]) == 5


def test_retired_services_are_not_listed(api):
    ServiceType.objects.filter(code="rcl-campaign").update(is_active=False)
    assert "rcl-campaign" not in {row["code"] for row in api.get(URL).json()}


@pytest.mark.parametrize("category", ServiceType.Category.values)
def test_filter_by_category(api, category):
    rows = api.get(URL, {"category": category}).json()
    assert rows
    assert {row["category"] for row in rows} == {category}


def test_unknown_category_is_400(api):
    response = api.get(URL, {"category": "massage"})
    assert response.status_code == 400
    assert "category" in response.json()["fields"]
