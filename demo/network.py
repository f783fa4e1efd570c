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
from accounts.phones import normalize_phone
from outlets.models import (
    Bay,
    Closure,
    OpeningHours,
    Outlet,
    OutletMembership,
    ServiceType,
)
from vehicles.models import Brand, BrandMembership, DeliveryRecord, Vehicle, VehicleModel
from vehicles.vin import make_vin

from .outlet_specs import (
    EXPRESS,
    EXPRESS_CATEGORIES,
    EXPRESS_MAX_MINUTES,
    OUTLETS,
    OutletSpec,
)
from .outlet_templates import BAY_NAMES_ZH, BAYS, HOURS

# The demo's published login (README, seed_demo's output), on demo accounts only.
DEMO_PASSWORD = "hima-demo-2026"  # noqa: S105 - public by design, guards nothing


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    note: str


# WMIs of the partner makers' plants, used to build demo VINs with real check digits.
DEMO_OWNERS = [
    # username, (family name, given name) as the owner writes them, language,
    # [(model code, WMI, serial, plate, odometer)]
    ("owner.li", ("李", "华"), "zh-hans", [("aito-m9", "LM8", 1, "沪A·M9001", 18200)]),
    (
        "owner.chen",
        ("陈", "静"),
        "zh-hans",
        [("luxeed-s7", "LVV", 2, "粤B·S7002", 9400), ("aito-m5", "LM8", 3, "粤B·M5003", 31000)],
    ),
    ("owner.wang", ("Wang", "Lei"), "en", [("stelato-s9", "LNB", 4, "京A·S9004", 12600)]),
    ("owner.zhao", ("赵", "敏"), "zh-hans", [("maextro-s800", "LJ1", 5, "皖A·S8005", 4100)]),
    ("owner.sun", ("Sun", "Yue"), "en", [("shangjie-h5", "LSJ", 6, "渝A·H5006", 7700)]),
    ("owner.mueller", ("Müller", "Anna"), "en", [("aito-m7", "LM8", 7, "B-HM 7007", 22500)]),
]


# One number each, in the owner's own country (the owner abroad has a German mobile number).
DEMO_PHONES = {
    "owner.li": "+86 139 0000 0001",
    "owner.chen": "+86 139 0000 0002",
    "owner.wang": "+86 139 0000 0003",
    "owner.zhao": "+86 139 0000 0004",
    "owner.sun": "+86 139 0000 0005",
    "owner.mueller": "+49 151 2345 0006",
}


@cache
def _demo_password_hash() -> str:
    # Hashed once for all demo accounts: the production hasher is slow on purpose.
    return make_password(DEMO_PASSWORD)


# The owner abroad lives on Berlin's clock; every other demo owner on China's (the default).
DEMO_ZONES = {"owner.mueller": "Europe/Berlin"}


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
    now = timezone.now()
    for username, (last, first), language, cars in DEMO_OWNERS:
        phone = normalize_phone(DEMO_PHONES[username])
        email = f"{username}@example.com"
        # Demo owners have proven their phone and e-mail, and own their cars verified (by the
        # brand's delivery record); an account signed up in the demo has not.
        owner = _user(
            username,
            first_name=first,
            last_name=last,
            language=language,
            time_zone=DEMO_ZONES.get(username, "Asia/Shanghai"),
            email=email,
            phone=phone,
            verified_phone=phone,
            phone_verified_at=now,
            verified_email=email,
            email_verified_at=now,
        )
        if not owner.phone_is_verified:  # a database seeded before verification existed
            User.objects.filter(pk=owner.pk).update(
                phone=phone,
                verified_phone=phone,
                phone_verified_at=now,
                verified_email=email,
                email_verified_at=now,
            )
        for model_code, wmi, serial, plate, km in cars:
            model = VehicleModel.objects.get(code=model_code)
            vin = make_vin(f"{wmi}DEM01", f"R{serial:07d}")
            Vehicle.objects.get_or_create(
                vin=vin,
                owner=owner,
                defaults={
                    "model": model,
                    "model_year": 2024,
                    "plate": plate,
                    "odometer_km": km,
                    "verified_at": now,
                    "verified_via": Vehicle.VerifiedVia.DELIVERY_RECORD,
                },
            )
            Vehicle.objects.filter(vin=vin, owner=owner, verified_at__isnull=True).update(
                verified_at=now, verified_via=Vehicle.VerifiedVia.DELIVERY_RECORD
            )
            _delivery_record(model.brand, vin, phone)
        models = ", ".join(c[0] for c in cars)
        logins.append(Login(username, "owner", models))
    for brand_code, vin, phone in DEMO_DELIVERIES:
        _delivery_record(Brand.objects.get(code=brand_code), vin, phone)
    return logins


# Cars the brands delivered that are not on the platform yet: the README walk-through adds one
# to a new account and verifies it by the code sent to this phone (the console SMS log).
DEMO_DELIVERIES = [
    ("AITO", make_vin("LM8DEM01", "R0000100"), "+8613900000100"),
    ("LUXEED", make_vin("LVVDEM01", "R0000101"), "+8613900000101"),
]


def _delivery_record(brand: Brand, vin: str, phone: str) -> None:
    DeliveryRecord.objects.get_or_create(
        brand=brand,
        vin=vin,
        buyer_phone=phone,
        defaults={
            "uploaded_by": User.objects.get(username=f"brand.{brand.code.lower()}"),
            "uploaded_at": timezone.now(),
        },
    )


# Closures ahead: (outlet, days from today, reason, its Chinese); a closure is added again only
# when the outlet has none with that reason from today on, so re-running adds nothing.
RELATIVE_CLOSURES = [
    ("SH-MINHANG-01", 12, "Annual lift and equipment inspection", "举升机及设备年检"),
    ("HZ-BINJIANG-01", 19, "Staff training on the alliance standard", "联盟服务标准员工培训"),
]
# …and fixed public holidays, on their next occurrence: (outlet, month, day, reason, Chinese).
HOLIDAYS = [
    ("BJ-CHAOYANG-01", 10, 1, "National Day", "国庆节"),
    ("DE-MUNICH-01", 12, 25, "Christmas Day", "圣诞节"),
    ("DE-MUNICH-01", 12, 26, "St Stephen's Day", "圣斯德望日"),
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
        services = services.filter(
            category__in=EXPRESS_CATEGORIES, labour_minutes__lte=EXPRESS_MAX_MINUTES
        )
    return list(services)


def _next_occurrence(today: dt.date, month: int, day: int) -> dt.date:
    this_year = dt.date(today.year, month, day)
    return this_year if this_year >= today else dt.date(today.year + 1, month, day)


def _fill_chinese(outlet: Outlet, spec: OutletSpec) -> None:
    """An outlet seeded before its data had Chinese gets it; what someone wrote stays."""
    chinese = {
        "address_zh": spec.address_zh,
        "city_zh": spec.city_zh,
        "province_zh": spec.province_zh,
    }
    blank = {field: value for field, value in chinese.items() if not getattr(outlet, field)}
    if blank:
        Outlet.objects.filter(pk=outlet.pk).update(**blank)
    for bay in outlet.bays.filter(name_zh="", name__in=BAY_NAMES_ZH):
        bay.name_zh = BAY_NAMES_ZH[bay.name]
        bay.save(update_fields=["name_zh"])


def _seed_outlet(spec: OutletSpec, brands: dict[str, Brand]) -> Outlet:
    """Create the outlet with its brands, services, hours and bays; an existing one is left as
    it is (a manager may have changed its hours or bays since)."""
    outlet = Outlet.objects.filter(code=spec.code).first()
    if outlet is not None:
        _fill_chinese(outlet, spec)
        return outlet
    outlet = Outlet(
        code=spec.code,
        name=spec.name,
        name_zh=spec.name_zh,
        kind=spec.kind,
        address=spec.address,
        address_zh=spec.address_zh,
        city=spec.city,
        city_zh=spec.city_zh,
        province=spec.province,
        province_zh=spec.province_zh,
        country=spec.country,
        currency=spec.currency,
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
        Bay(outlet=outlet, name=name, name_zh=BAY_NAMES_ZH[name], capabilities=list(caps))
        for name, caps in BAYS[spec.template]
    )
    return outlet


def seed_outlets() -> list[Login]:
    """The outlet network, its closures ahead and the staff of the staffed outlets."""
    brands = {b.code: b for b in Brand.objects.all()}
    outlets = {spec.code: _seed_outlet(spec, brands) for spec in OUTLETS}

    for code, days, reason, reason_zh in RELATIVE_CLOSURES:
        outlet = outlets[code]
        today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
        if not outlet.closures.filter(reason=reason, date__gte=today).exists():
            Closure.objects.get_or_create(
                outlet=outlet,
                date=today + dt.timedelta(days=days),
                defaults={"reason": reason, "reason_zh": reason_zh},
            )
        # A demo seeded before closures had their Chinese gets it; a reason someone wrote stays.
        outlet.closures.filter(reason=reason, reason_zh="").update(reason_zh=reason_zh)
    for code, month, day, reason, reason_zh in HOLIDAYS:
        outlet = outlets[code]
        today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
        Closure.objects.get_or_create(
            outlet=outlet,
            date=_next_occurrence(today, month, day),
            defaults={"reason": reason, "reason_zh": reason_zh},
        )
        outlet.closures.filter(reason=reason, reason_zh="").update(reason_zh=reason_zh)

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
