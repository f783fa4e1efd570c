# The bookings whose work began at another time than booked, by outlet and booked time: the
# audit reads a booking's period by the time booked (audit.values_sql), and for these that is
# `promised_start`. A partial index: a few rows, built CONCURRENTLY for a live bookings table.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bookings", "0015_booking_status_start_and_known_statuses"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="booking",
            index=models.Index(
                condition=models.Q(promised_start__isnull=False),
                fields=["outlet", "promised_start"],
                name="booking_outlet_promised",
            ),
        ),
    ]
