# The delivery records naming a person's proven phone (their data's export and erasure), found by
# index instead of a read of every record. Built CONCURRENTLY, so the table keeps taking the
# brands' uploads while it is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("vehicles", "0004_verified_owners_delivery_records"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="deliveryrecord",
            index=models.Index(fields=["buyer_phone"], name="delivery_buyer_phone"),
        ),
    ]
