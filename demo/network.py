"""The demo network that `manage.py seed_demo` loads. Idempotent: running it twice changes
nothing. Every demo account shares one password, printed by the command."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from outlets.models import (
    Amenity,
    Bay,
    Closure,
    OpeningHours,
    Outlet,
    OutletMembership,
    ServiceType,
)
from vehicles.models import Brand, BrandMembership, Vehicle, VehicleModel
from vehicles.vin import make_vin

DEMO_PASSWORD = "hima-demo-2026"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    note: str


# WMIs of the partner makers' plants, used to build demo VINs with real check digits.
DEMO_OWNERS = [
    # username, name, language, [(model code, WMI, serial, plate, odometer)]
    ("owner.li", ("Li", "Hua"), "zh-hans", [("aito-m9", "LM8", 1, "沪A·M9001", 18200)]),
    (
        "owner.chen",
        ("Chen", "Jing"),
        "zh-hans",
        [("luxeed-s7", "LVV", 2, "粤B·S7002", 9400), ("aito-m5", "LM8", 3, "粤B·M5003", 31000)],
    ),
    ("owner.wang", ("Wang", "Lei"), "en", [("stelato-s9", "LNB", 4, "京A·S9004", 12600)]),
    ("owner.zhao", ("Zhao", "Min"), "zh-hans", [("maextro-s800", "LJ1", 5, "皖A·S8005", 4100)]),
    ("owner.sun", ("Sun", "Yue"), "en", [("shangjie-h5", "LSJ", 6, "渝A·H5006", 7700)]),
    ("owner.mueller", ("Müller", "Anna"), "en", [("aito-m7", "LM8", 7, "B-HM 7007", 22500)]),
]


@cache
def _demo_password_hash() -> str:
    # Hashed once for all demo accounts: the production hasher is slow on purpose.
    return make_password(DEMO_PASSWORD)


def _user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def seed_accounts() -> list[Login]:
    logins = [Login("admin", "alliance admin", "everything, also /admin/")]
    _user("admin", is_staff=True, is_superuser=True, email="ops@hima.example", language="en")
    for brand in Brand.objects.order_by("name"):
        username = f"brand.{brand.code.lower()}"
        admin = _user(username, email=f"{username}@hima.example", language="zh-hans")
        BrandMembership.objects.get_or_create(user=admin, brand=brand)
        logins.append(Login(username, "brand admin", f"audits {brand.name}"))
    for username, (last, first), language, cars in DEMO_OWNERS:
        owner = _user(
            username,
            first_name=first,
            last_name=last,
            language=language,
            email=f"{username}@example.com",
            phone=f"+86 139 0000 {len(username):04d}",
        )
        for model_code, wmi, serial, plate, km in cars:
            model = VehicleModel.objects.get(code=model_code)
            Vehicle.objects.get_or_create(
                vin=make_vin(f"{wmi}DEM01", f"R{serial:07d}"),
                defaults={
                    "owner": owner,
                    "model": model,
                    "model_year": 2024,
                    "plate": plate,
                    "odometer_km": km,
                },
            )
        models = ", ".join(c[0] for c in cars)
        logins.append(Login(username, "owner", models))
    return logins


# --- The outlet network -------------------------------------------------------------------

ALL_BRANDS = ("AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE")
T = dt.time

# Weekly hours per template: (weekdays, [(opens, closes), ...]). Weekends are shorter.
HOURS = {
    # Service centres close for lunch on weekdays, like most Chinese after-sales workshops.
    "centre": [
        (range(0, 5), [(T(8, 30), T(12)), (T(13), T(18))]),
        (range(5, 7), [(T(9), T(17))]),
    ],
    "flagship": [(range(0, 5), [(T(9), T(21))]), (range(5, 7), [(T(10), T(20))])],
    "express": [(range(0, 5), [(T(9), T(18))]), (range(5, 6), [(T(9), T(15))])],
    "europe": [
        (range(0, 5), [(T(8), T(12)), (T(13), T(17))]),
        (range(5, 6), [(T(9), T(13))]),
    ],
}

GT = ["general", "tyre"]
# Bays per template: (name, capabilities).
BAYS = {
    "centre": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("Bay 3", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("Body 1", ["body_paint"]),
        ("ADAS 1", ["adas_calibration", "general", "tyre"]),
    ],
    "flagship": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("ADAS 1", ["adas_calibration", "general"]),
    ],
    "express": [("Bay 1", GT), ("Bay 2", GT)],
    "europe": [
        ("Bay 1", GT),
        ("Bay 2", GT),
        ("EV 1", ["ev_battery", "general"]),
        ("ADAS 1", ["adas_calibration", "general"]),
    ],
}

# Express points take quick jobs only: no repairs, bodywork or lidar work.
EXPRESS_CATEGORIES = {"maintenance", "tyre", "diagnostics", "battery", "recall", "software"}

ALL_AMENITIES = [a.value for a in Amenity]
CENTRE, FLAGSHIP, EXPRESS = Outlet.Kind.SERVICE_CENTRE, Outlet.Kind.FLAGSHIP, Outlet.Kind.EXPRESS


@dataclass(frozen=True)
class OutletSpec:
    code: str
    name: str
    name_zh: str
    kind: str
    template: str  # hours and bays
    address: str
    city: str
    province: str
    lat: str
    lng: str
    phone: str
    brands: tuple[str, ...] = ALL_BRANDS
    amenities: tuple[str, ...] = ()
    night_capacity: int = 0  # > 0: Starry Night Service
    slot_step: int = 30
    turnover: int = 10
    time_zone: str = "Asia/Shanghai"
    country: str = "CN"


OUTLETS = [
    OutletSpec(
        "SH-PUDONG-01",
        "HIMA Harmony Space Pudong",
        "鸿蒙智行 上海浦东旗舰店",
        FLAGSHIP,
        "flagship",
        "1288 Lujiazui Ring Road, Pudong New Area",
        "Shanghai",
        "Shanghai",
        "31.239700",
        "121.499800",
        "+86 21 6888 0101",
        amenities=tuple(ALL_AMENITIES),
        night_capacity=6,
    ),
    OutletSpec(
        "SH-MINHANG-01",
        "HIMA Service Centre Minhang",
        "鸿蒙智行用户中心 上海闵行",
        CENTRE,
        "centre",
        "2888 Humin Road, Minhang District",
        "Shanghai",
        "Shanghai",
        "31.112000",
        "121.381000",
        "+86 21 5488 0202",
        amenities=(Amenity.CHARGING, Amenity.DINING),
    ),
    OutletSpec(
        "SH-JIADING-EX",
        "HIMA Express Anting",
        "鸿蒙智行 安亭快修点",
        EXPRESS,
        "express",
        "1100 Moyu Road, Anting Town, Jiading District",
        "Shanghai",
        "Shanghai",
        "31.293000",
        "121.165000",
        "+86 21 3958 0303",
        amenities=(Amenity.CHARGING,),
        slot_step=15,
        turnover=5,
    ),
    OutletSpec(
        "SZ-NANSHAN-01",
        "HIMA Harmony Space Shenzhen Bay",
        "鸿蒙智行 深圳湾旗舰店",
        FLAGSHIP,
        "flagship",
        "2388 Houhaibin Road, Nanshan District",
        "Shenzhen",
        "Guangdong",
        "22.517000",
        "113.944000",
        "+86 755 8666 0401",
        amenities=tuple(ALL_AMENITIES),
        night_capacity=4,
    ),
    OutletSpec(
        "SZ-LONGGANG-01",
        "HIMA Service Centre Bantian",
        "鸿蒙智行用户中心 深圳坂田",
        CENTRE,
        "centre",
        "36 Xuegang Road, Bantian, Longgang District",
        "Shenzhen",
        "Guangdong",
        "22.638000",
        "114.062000",
        "+86 755 2888 0402",
        amenities=(Amenity.CHARGING, Amenity.KIDS_AREA),
    ),
    OutletSpec(
        "BJ-CHAOYANG-01",
        "HIMA Service Centre Jiuxianqiao",
        "鸿蒙智行用户中心 北京酒仙桥",
        CENTRE,
        "centre",
        "18 Jiuxianqiao Road, Chaoyang District",
        "Beijing",
        "Beijing",
        "39.973000",
        "116.493000",
        "+86 10 6433 0501",
        amenities=(Amenity.CHARGING, Amenity.DINING, Amenity.BUSINESS_LOUNGE),
    ),
    OutletSpec(
        # BAIC builds the Stelato in Beijing: an executive-sedan centre for Stelato and Maextro.
        "BJ-YIZHUANG-01",
        "Stelato & Maextro Executive Centre Yizhuang",
        "享界·尊界 行政服务中心 北京亦庄",
        CENTRE,
        "centre",
        "9 Kechuang 6th Street, Beijing Economic-Technological Development Area",
        "Beijing",
        "Beijing",
        "39.788000",
        "116.528000",
        "+86 10 6788 0502",
        brands=("STELATO", "MAEXTRO"),
        amenities=(Amenity.BUSINESS_LOUNGE, Amenity.CHARGING),
    ),
    OutletSpec(
        "CQ-JIEFANGBEI-01",
        "HIMA Harmony Space Jiefangbei",
        "鸿蒙智行 重庆解放碑旗舰店",
        FLAGSHIP,
        "flagship",
        "88 Minzu Road, Yuzhong District",
        "Chongqing",
        "Chongqing",
        "29.558000",
        "106.577000",
        "+86 23 6388 0601",
        amenities=(Amenity.DINING, Amenity.KIDS_AREA, Amenity.CHARGING),
        night_capacity=3,
    ),
    OutletSpec(
        # Next to Seres' plant: the AITO factory service centre.
        "CQ-LIANGJIANG-01",
        "AITO Factory Service Centre Liangjiang",
        "问界工厂服务中心 重庆两江",
        CENTRE,
        "centre",
        "1 Jinshan Avenue, Liangjiang New Area, Yubei District",
        "Chongqing",
        "Chongqing",
        "29.672000",
        "106.531000",
        "+86 23 6788 0602",
        brands=("AITO",),
        amenities=(Amenity.CHARGING,),
    ),
    OutletSpec(
        "HF-BAOHE-01",
        "HIMA Service Centre Baohe",
        "鸿蒙智行用户中心 合肥包河",
        CENTRE,
        "centre",
        "1688 Ma'anshan Road, Baohe District",
        "Hefei",
        "Anhui",
        "31.811000",
        "117.304000",
        "+86 551 6388 0701",
        amenities=(Amenity.CHARGING, Amenity.DINING),
    ),
    OutletSpec(
        # JAC builds the Maextro in Hefei: a Maextro-only house with every comfort.
        "HF-MAEXTRO-01",
        "Maextro House Hefei",
        "尊界之家 合肥",
        FLAGSHIP,
        "flagship",
        "2299 Feicui Road, Hefei Economic and Technological Development Area",
        "Hefei",
        "Anhui",
        "31.771000",
        "117.215000",
        "+86 551 6566 0702",
        brands=("MAEXTRO",),
        amenities=tuple(ALL_AMENITIES),
        night_capacity=2,
        slot_step=60,
        turnover=20,
    ),
    OutletSpec(
        "HZ-BINJIANG-01",
        "HIMA Service Centre Binjiang",
        "鸿蒙智行用户中心 杭州滨江",
        CENTRE,
        "centre",
        "3688 Jiangnan Avenue, Binjiang District",
        "Hangzhou",
        "Zhejiang",
        "30.208000",
        "120.211000",
        "+86 571 8688 0801",
        amenities=(Amenity.CHARGING, Amenity.KIDS_AREA),
    ),
    OutletSpec(
        "HZ-XIHU-EX",
        "HIMA Express Wensan Road",
        "鸿蒙智行 杭州文三路快修点",
        EXPRESS,
        "express",
        "478 Wensan Road, Xihu District",
        "Hangzhou",
        "Zhejiang",
        "30.281000",
        "120.140000",
        "+86 571 8766 0802",
        slot_step=15,
        turnover=5,
    ),
    OutletSpec(
        # The alliance sells abroad; Munich is on Central European (Summer) Time.
        "DE-MUNICH-01",
        "HIMA Service Munich",
        "鸿蒙智行 慕尼黑服务中心",
        CENTRE,
        "europe",
        "Landsberger Straße 300, 80687 München",
        "Munich",
        "Bavaria",
        "48.141800",
        "11.503000",
        "+49 89 2000 8800",
        brands=("AITO", "LUXEED"),
        amenities=(Amenity.CHARGING,),
        turnover=15,
        time_zone="Europe/Berlin",
        country="DE",
    ),
]

# Closures ahead: (outlet, days from today, reason); a closure is added again only when the
# outlet has none with that reason from today on, so re-running adds nothing.
RELATIVE_CLOSURES = [
    ("SH-MINHANG-01", 12, "Annual lift and equipment inspection"),
    ("HZ-BINJIANG-01", 19, "Staff training on the alliance standard"),
]
# …and fixed public holidays, on their next occurrence: (outlet, month, day, reason).
HOLIDAYS = [
    ("BJ-CHAOYANG-01", 10, 1, "National Day"),
    ("DE-MUNICH-01", 12, 25, "Christmas Day"),
    ("DE-MUNICH-01", 12, 26, "St Stephen's Day"),
]

# Outlets with a full demo team: username suffix → outlet code.
STAFFED = {
    "sh-pudong": "SH-PUDONG-01",
    "sh-minhang": "SH-MINHANG-01",
    "sz-nanshan": "SZ-NANSHAN-01",
    "bj-chaoyang": "BJ-CHAOYANG-01",
    "cq-liangjiang": "CQ-LIANGJIANG-01",
    "de-munich": "DE-MUNICH-01",
}
STAFF_ROLES = [
    # username prefix, role, what the login shows
    ("advisor", OutletMembership.Role.ADVISOR, "runs the day's queue"),
    ("tech", OutletMembership.Role.TECHNICIAN, "starts and completes jobs"),
    ("manager", OutletMembership.Role.MANAGER, "also hours, closures, bays"),
]


def _offered_services(spec: OutletSpec) -> list[ServiceType]:
    """Every catalog service one of the outlet's bays can take (express: quick jobs only)."""
    capabilities = {c for _, caps in BAYS[spec.template] for c in caps}
    services = ServiceType.objects.filter(is_active=True, capability__in=capabilities)
    if spec.kind == EXPRESS:
        services = services.filter(category__in=EXPRESS_CATEGORIES)
    return list(services)


def _next_occurrence(today: dt.date, month: int, day: int) -> dt.date:
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def _seed_outlet(spec: OutletSpec, brands: dict[str, Brand]) -> Outlet:
    """Create the outlet with its brands, services, hours and bays; an existing one is left as
    it is (a manager may have changed its hours or bays since)."""
    outlet = Outlet.objects.filter(code=spec.code).first()
    if outlet is not None:
        return outlet
    outlet = Outlet(
        code=spec.code,
        name=spec.name,
        name_zh=spec.name_zh,
        kind=spec.kind,
        address=spec.address,
        city=spec.city,
        province=spec.province,
        country=spec.country,
        latitude=Decimal(spec.lat),
        longitude=Decimal(spec.lng),
        time_zone=spec.time_zone,
        phone=spec.phone,
        amenities=[str(a) for a in spec.amenities],
        night_service=spec.night_capacity > 0,
        night_capacity=spec.night_capacity,
        slot_step_minutes=spec.slot_step,
        turnover_minutes=spec.turnover,
    )
    outlet.full_clean()
    outlet.save()
    outlet.brands.set(brands[code] for code in spec.brands)
    outlet.services.set(_offered_services(spec))
    OpeningHours.objects.bulk_create(
        OpeningHours(outlet=outlet, weekday=day, opens=opens, closes=closes)
        for days, intervals in HOURS[spec.template]
        for day in days
        for opens, closes in intervals
    )
    Bay.objects.bulk_create(
        Bay(outlet=outlet, name=name, capabilities=list(caps)) for name, caps in BAYS[spec.template]
    )
    return outlet


def seed_outlets() -> list[Login]:
    """The outlet network, its closures ahead and the staff of the staffed outlets."""
    brands = {b.code: b for b in Brand.objects.all()}
    outlets = {spec.code: _seed_outlet(spec, brands) for spec in OUTLETS}

    for code, days, reason in RELATIVE_CLOSURES:
        outlet = outlets[code]
        today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
        if not outlet.closures.filter(reason=reason, date__gte=today).exists():
            Closure.objects.get_or_create(
                outlet=outlet, date=today + dt.timedelta(days=days), defaults={"reason": reason}
            )
    for code, month, day, reason in HOLIDAYS:
        outlet = outlets[code]
        today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
        Closure.objects.get_or_create(
            outlet=outlet, date=_next_occurrence(today, month, day), defaults={"reason": reason}
        )

    logins = []
    for suffix, code in STAFFED.items():
        outlet = outlets[code]
        for prefix, role, note in STAFF_ROLES:
            username = f"{prefix}.{suffix}"
            person = _user(
                username,
                email=f"{username}@hima.example",
                language="en" if outlet.country != "CN" else "zh-hans",
            )
            OutletMembership.objects.get_or_create(
                user=person, outlet=outlet, defaults={"role": role}
            )
            logins.append(Login(username, f"outlet {role.value}", f"{code}: {note}"))
    return logins
