"""The stale marks start 23 hours after a booking's start instead of 47: the watermark now
follows a day behind the clock (audit.models.SETTLE_AFTER), not two, so that the audit computes
a day of bookings live instead of two. The marks keep their hour of slack before the watermark
(migration 0002, docs/audit.md). The triggers and their functions are 0002's, with the new
interval: the functions replaced, the bookings' row triggers, whose WHEN holds it, made again."""

import importlib

from django.db import migrations

stale_marks = importlib.import_module("audit.migrations.0002_stale_marks")

BOOKING_TRIGGERS = stale_marks.MARK_BOOKING[stale_marks.MARK_BOOKING.index("CREATE TRIGGER") :]
DROP_BOOKING_TRIGGERS = "\n".join(
    f"DROP TRIGGER bookings_booking_audit_{kind} ON bookings_booking;"
    for kind in ("insert", "update", "delete")
)
PRICE_FUNCTIONS = "".join(
    f"""
CREATE FUNCTION audit_mark_prices_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {stale_marks.MARK_PRICED.format(source=source)}
    RETURN NULL;
END
$$;"""
    for kind, (source, _referencing) in stale_marks.PRICE_SOURCES.items()
)
FUNCTIONS = "\n".join(
    [
        stale_marks.MARK_CHILDREN,
        stale_marks.mark_bookings_of("audit_mark_vehicle", "vehicle_id"),
        stale_marks.mark_bookings_of("audit_mark_outlet", "outlet_id"),
        PRICE_FUNCTIONS,
    ]
).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def marks_from(hours: int) -> str:
    """Every trigger and function of the marks, marking bookings `hours` after their start."""
    return (
        f"{DROP_BOOKING_TRIGGERS}\n{BOOKING_TRIGGERS}\n{FUNCTIONS}".replace(
            "interval '47 hours'", f"interval '{hours} hours'"
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_array_cat_agg"),
    ]

    operations = [migrations.RunSQL(marks_from(23), marks_from(47))]
