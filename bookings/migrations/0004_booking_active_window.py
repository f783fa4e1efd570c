# The availability engine's window read gets an index of its own (issue 14): a plan that cannot
# fall back on the exclusion constraint's GiST index. Built CONCURRENTLY, so a live bookings
# table keeps taking writes while it is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bookings", "0003_idempotency_to_core_event_kinds"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("status__in", ["confirmed", "checked_in", "in_service"])),
                fields=["outlet", "start"],
                include=("bay", "bay_released_at"),
                name="booking_active_window",
            ),
        ),
    ]
