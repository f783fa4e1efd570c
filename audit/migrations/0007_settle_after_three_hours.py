"""The stale marks start 2 hours after a booking's start instead of 23: the watermark now
follows three hours behind the clock (audit.models.SETTLE_AFTER), not a day, so that every
audit request computes a few hours of bookings live instead of a day's. The marks keep their
hour of slack before the watermark (migration 0002, docs/audit.md). The triggers and their
functions are 0002's with the new interval, as 0006 made them (`marks_from`)."""

import importlib

from django.db import migrations

settle_after_a_day = importlib.import_module("audit.migrations.0006_settle_after_a_day")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0006_settle_after_a_day"),
    ]

    operations = [
        migrations.RunSQL(
            settle_after_a_day.marks_from(2), settle_after_a_day.marks_from(23)
        )
    ]
