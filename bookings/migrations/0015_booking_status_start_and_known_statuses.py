# The status index carries the outlet and the brand, so that the audit counts the bookings still
# to come from it alone; and two invariants the services already keep become the database's: a
# status is one of the statuses, and only a booking whose work began has a service start.
#
# Built for a live bookings table: the new index CONCURRENTLY before the old one is dropped the
# same way, and each constraint added NOT VALID (new and changed rows are checked at once) and then
# validated, which reads the table without blocking its writes.

from django.contrib.postgres.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    RemoveIndexConcurrently,
    ValidateConstraint,
)
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bookings", "0014_booking_brand"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="booking",
            index=models.Index(
                fields=["status", "start"],
                include=("outlet", "brand"),
                name="booking_status_start",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="booking",
            name="bookings_bo_status_9679a1_idx",
        ),
        AddConstraintNotValid(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "confirmed",
                            "checked_in",
                            "in_service",
                            "ready",
                            "completed",
                            "cancelled",
                            "no_show",
                        ],
                    )
                ),
                name="booking_status_known",
            ),
        ),
        ValidateConstraint(model_name="booking", name="booking_status_known"),
        AddConstraintNotValid(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("started_at__isnull", True),
                    ("status__in", ["in_service", "ready", "completed"]),
                    _connector="OR",
                ),
                name="booking_started_once_begun",
            ),
        ),
        ValidateConstraint(model_name="booking", name="booking_started_once_begun"),
    ]
