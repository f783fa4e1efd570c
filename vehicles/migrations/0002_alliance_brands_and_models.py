"""The five HIMA brands and their current models (data, not code branches)."""

from django.db import migrations

BRANDS = [
    # code, name, Chinese, partner maker, also known as
    ("AITO", "AITO", "问界", "Seres", ""),
    ("LUXEED", "Luxeed", "智界", "Chery", ""),
    ("STELATO", "Stelato", "享界", "BAIC", "Enjoyland"),
    ("MAEXTRO", "Maextro", "尊界", "JAC", "Exalt"),
    ("SHANGJIE", "Shangjie", "尚界", "SAIC", ""),
]

MODELS = [
    # brand, code, name, Chinese, powertrain, interval months, interval km
    ("AITO", "aito-m5", "M5", "问界M5", "erev", 12, 10000),
    ("AITO", "aito-m5-ev", "M5 EV", "问界M5 纯电", "bev", 24, 30000),
    ("AITO", "aito-m7", "M7", "问界M7", "erev", 12, 10000),
    ("AITO", "aito-m8", "M8", "问界M8", "erev", 12, 10000),
    ("AITO", "aito-m9", "M9", "问界M9", "erev", 12, 10000),
    ("LUXEED", "luxeed-s7", "S7", "智界S7", "bev", 24, 30000),
    ("LUXEED", "luxeed-r7", "R7", "智界R7", "bev", 24, 30000),
    ("STELATO", "stelato-s9", "S9", "享界S9", "bev", 24, 30000),
    ("STELATO", "stelato-s9t", "S9T", "享界S9T", "erev", 12, 10000),
    ("MAEXTRO", "maextro-s800", "S800", "尊界S800", "erev", 12, 10000),
    ("SHANGJIE", "shangjie-h5", "H5", "尚界H5", "erev", 12, 10000),
]


def load(apps, schema_editor):
    Brand = apps.get_model("vehicles", "Brand")
    VehicleModel = apps.get_model("vehicles", "VehicleModel")
    for code, name, name_zh, maker, aka in BRANDS:
        Brand.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_zh": name_zh, "partner_maker": maker, "also_known_as": aka},
        )
    for brand, code, name, name_zh, powertrain, months, km in MODELS:
        VehicleModel.objects.update_or_create(
            code=code,
            defaults={
                "brand": Brand.objects.get(code=brand),
                "name": name,
                "name_zh": name_zh,
                "powertrain": powertrain,
                "maintenance_interval_months": months,
                "maintenance_interval_km": km,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("vehicles", "VehicleModel").objects.filter(
        code__in=[m[1] for m in MODELS], vehicles__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("vehicles", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
