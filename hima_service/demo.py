"""The demo network that `manage.py seed_demo` loads. Idempotent: running it twice changes
nothing. Every demo account shares one password, printed by the command."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
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


def _user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
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


@transaction.atomic
def seed_demo() -> list[Login]:
    """Load the whole demo network; returns the logins to print."""
    return seed_accounts()
