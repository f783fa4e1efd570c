"""The standard service catalog (data migration 0002) and GET /api/v1/service-types/."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

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
        assert len(service.checklist_zh) == len(service.checklist), service.code
        assert all(item.strip() for item in service.checklist_zh), service.code


def test_a_chinese_checklist_says_each_item_in_order():
    service = ServiceType.objects.get(code="bat-12v")
    service.checklist_zh = ["只有一项"]
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert "checklist_zh" in refused.value.message_dict
    service.checklist_zh = []  # none yet: the page shows the English
    service.full_clean()


def test_the_checklist_reads_in_the_readers_language():
    service = ServiceType.objects.get(code="bat-12v")
    with translation.override("zh-hans"):
        assert service.display_checklist == service.checklist_zh
        assert service.display_name == "12V低压蓄电池更换"
        assert service.checklist_pairs[1] == ("Replace the 12 V battery", "更换 12V 蓄电池")
    with translation.override("en"):
        assert service.display_checklist == service.checklist
    service.checklist_zh = []
    with translation.override("zh-hans"):
        assert service.display_checklist == service.checklist  # falls back to the English


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
        "skill": "adas_calibration",
        "min_hv_level": 0,
        "crew_size": 1,
        "price": "800.00",
        "checklist": rows["adas-cam-cal"]["checklist"],
        "checklist_zh": rows["adas-cam-cal"]["checklist_zh"],
        "counts_as_maintenance": False,
    }
    assert len(rows["adas-cam-cal"]["checklist"]) == 5
    # the same items in Chinese, in the same order
    assert rows["adas-cam-cal"]["checklist_zh"][0] == "检查车身高度及胎压"
    assert len(rows["adas-cam-cal"]["checklist_zh"]) == 5


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
