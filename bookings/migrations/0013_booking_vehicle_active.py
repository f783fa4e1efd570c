# A car's own active bookings get an index of their own: the caps' upcoming count on every create
# and an owner's ask for their car read from it alone. Built CONCURRENTLY, so a live bookings
# table keeps taking writes while it is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bookings", "0012_notification_pending_due_id"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("status__in", ["confirmed", "checked_in", "in_service"])),
                fields=["vehicle", "start"],
                include=("end",),
                name="booking_vehicle_active",
            ),
        ),
    ]
