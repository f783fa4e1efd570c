"""The price book's first rows, valid from 2026-01-01: the catalog's CNY standard prices (from
ServiceType.price), the EUR prices for the German outlets, the model-specific prices where a
model costs more to service, and the standard labour rates."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

VALID_FROM = dt.date(2026, 1, 1)

# Germany: a franchised workshop's list price, VAT included.
EUR = {
    "mnt-annual": "249.00",
    "mnt-erev-oil": "159.00",
    "mnt-brake-fluid": "119.00",
    "mnt-ac-service": "179.00",
    "rep-brake-pads": "329.00",
    "rep-suspension": "549.00",
    "dgn-full-scan": "89.00",
    "dgn-noise": "129.00",
    "tyr-rotation": "59.00",
    "tyr-replace-set": "99.00",
    "tyr-alignment": "129.00",
    "bat-health": "119.00",
    "bat-coolant": "279.00",
    "bat-12v": "289.00",
    "adas-cam-cal": "349.00",
    "adas-lidar-cal": "489.00",
    "body-dent": "249.00",
    "body-panel-paint": "749.00",
    "rcl-campaign": "0.00",
    "rcl-hv-connector": "0.00",
    "sw-ota-assist": "0.00",
    "sw-ads-upgrade": "0.00",
}

# Where a model differs: larger cars, air suspension, more sensors, dearer paint.
OVERRIDES = [
    # model, service, currency, price
    ("maextro-s800", "mnt-annual", "CNY", "1299.00"),
    ("maextro-s800", "tyr-alignment", "CNY", "568.00"),
    ("maextro-s800", "adas-lidar-cal", "CNY", "1680.00"),
    ("maextro-s800", "body-panel-paint", "CNY", "2800.00"),
    ("aito-m9", "mnt-annual", "CNY", "899.00"),
    ("stelato-s9", "mnt-annual", "CNY", "799.00"),
    ("maextro-s800", "mnt-annual", "EUR", "449.00"),
    ("aito-m9", "mnt-annual", "EUR", "299.00"),
]

LABOUR_RATES = [("CNY", "280.00"), ("EUR", "135.00")]


def load(apps, schema_editor):
    ServiceType = apps.get_model("outlets", "ServiceType")
    VehicleModel = apps.get_model("vehicles", "VehicleModel")
    ServicePrice = apps.get_model("pricing", "ServicePrice")
    LabourRate = apps.get_model("pricing", "LabourRate")
    services = {service.code: service for service in ServiceType.objects.all()}
    models = {model.code: model for model in VehicleModel.objects.all()}
    rows = [
        ServicePrice(service_type=service, currency="CNY", price=service.price, valid_from=VALID_FROM)
        for service in services.values()
    ]
    rows += [
        ServicePrice(
            service_type=services[code], currency="EUR", price=Decimal(price), valid_from=VALID_FROM
        )
        for code, price in EUR.items()
        if code in services
    ]
    rows += [
        ServicePrice(
            service_type=services[code],
            model=models[model],
            currency=currency,
            price=Decimal(price),
            valid_from=VALID_FROM,
        )
        for model, code, currency, price in OVERRIDES
        if code in services and model in models
    ]
    ServicePrice.objects.bulk_create(rows, ignore_conflicts=True)
    LabourRate.objects.bulk_create(
        [LabourRate(currency=c, rate_per_hour=Decimal(r), valid_from=VALID_FROM) for c, r in LABOUR_RATES],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("pricing", "ServicePrice").objects.filter(valid_from=VALID_FROM).delete()
    apps.get_model("pricing", "LabourRate").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
