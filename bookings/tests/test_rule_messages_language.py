"""The booking rules' refusals in the reader's language, whole: the outlet, the services, the
brand, the capabilities, the weekday and the closure's reason as a Chinese page names them
(each falling back to the English where no Chinese was written), not English words inside a
Chinese sentence. Rule 2's refusals are read both ways a write can read the day: from the
calendar, and under the share locks (hold=True)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation

from bookings.availability.engine import free_starts
from bookings.availability.rules import validate_bookable
from outlets.models import Capability, OpeningHours
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI)  # a Monday morning
TUESDAY = dt.date(2027, 3, 2)
AT_TEN = dt.datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def oil():
    return ServiceTypeFactory(
        code="t-oil", name="Oil change", name_zh="更换机油", capability=Capability.GENERAL
    )


@pytest.fixture
def outlet(oil):
    outlet = OutletFactory(services=[oil], name="Pudong Centre", name_zh="浦东中心")
    BayFactory(outlet=outlet)
    return outlet


def refusal(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        validate_bookable(now=NOW, **kwargs)
    return error.value.message_dict


@pytest.mark.parametrize("hold", [False, True])
@pytest.mark.parametrize(
    ("language", "reason_zh", "expected"),
    [
        ("en", "春节", "Pudong Centre is closed on 2027-03-02 (Spring Festival)."),
        ("zh-hans", "春节", "浦东中心 在 2027-03-02 停业（春节）。"),
        ("zh-hans", "", "浦东中心 在 2027-03-02 停业（Spring Festival）。"),
    ],
)
def test_a_closed_day_says_why_in_the_reader_s_language(
    outlet, oil, hold, language, reason_zh, expected
):
    ClosureFactory(outlet=outlet, date=TUESDAY, reason="Spring Festival", reason_zh=reason_zh)

    with translation.override(language):
        errors = refusal(outlet=outlet, services=[oil], start=AT_TEN, hold=hold)

    assert errors == {"start": [expected]}


@pytest.mark.parametrize("hold", [False, True])
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Pudong Centre is closed every Tuesday."),
        ("zh-hans", "浦东中心每逢星期二不营业。"),
    ],
)
def test_a_weekday_without_hours_is_named_in_the_reader_s_language(
    outlet, oil, hold, language, expected
):
    OpeningHours.objects.filter(Q(outlet=outlet) & Q(weekday=TUESDAY.weekday())).delete()

    with translation.override(language):
        errors = refusal(outlet=outlet, services=[oil], start=AT_TEN, hold=hold)

    assert errors == {"start": [expected]}


def test_the_outlet_the_services_and_the_brand_are_named_in_chinese(oil):
    tyres = ServiceTypeFactory(code="t-tyres", name="Tyre change", name_zh="更换轮胎")
    outlet = OutletFactory(
        services=[oil], brands=[brand("AITO")], name="Pudong Centre", name_zh="浦东中心"
    )
    BayFactory(outlet=outlet)
    luxeed = VehicleFactory(model=vehicle_model("luxeed-s7"))

    with translation.override("zh-hans"):
        errors = refusal(outlet=outlet, services=[oil, tyres], start=AT_TEN, vehicle=luxeed)

    assert errors["services"] == ["浦东中心 不提供 更换轮胎。"]
    assert errors["vehicle"] == ["浦东中心 未获授权为 智界 车辆提供服务。"]


def test_the_capabilities_no_bay_has_are_named_in_chinese():
    battery = ServiceTypeFactory(code="t-battery", capability=Capability.EV_BATTERY)
    outlet = OutletFactory(services=[battery], name_zh="浦东中心")
    BayFactory(outlet=outlet, capabilities=[Capability.GENERAL])

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            free_starts(
                outlet=outlet, services=[battery], date_from=TUESDAY, date_to=TUESDAY, now=NOW
            )
        label = str(Capability.EV_BATTERY.label)

    (message,) = error.value.message_dict["services"]
    assert "浦东中心" in message
    assert label in message
    assert "ev_battery" not in message
