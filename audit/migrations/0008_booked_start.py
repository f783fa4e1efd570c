"""The audit reads a booking by its booked start (`coalesce(promised_start, start)`,
audit.values_sql.BOOKED_START): its wait, its period and the settling watermark. A booking whose
work was moved to another bay or crew, or began early, has `start` moved to when the work began
and the booked time in `promised_start`.

So the stale marks judge a booking by the earlier of the two (a car booked at 10:00 and started
at 14:00 on another bay is settled by 10:00, and a later write to it must mark it); the
triggers and their functions are 0007's with that condition. And every booking already moved is
marked: its facts hold the wait from the moved start and sit in the moved start's week, or it
has none where the watermark passed its booked start before its moved one. The settling task
settles them again, by their booked start; until then they are read live."""

import importlib

from django.db import migrations

settle_after_a_day = importlib.import_module("audit.migrations.0006_settle_after_a_day")

OLD = settle_after_a_day.marks_from(2)
# The row triggers' WHENs, and the functions' conditions on a booking `b`: the earlier of the
# moved and the booked start (least() passes over a null).
NEW = (
    OLD.replace(
        "WHEN (least(OLD.start, NEW.start) <",
        "WHEN (least(OLD.start, NEW.start, OLD.promised_start, NEW.promised_start) <",
    )
    .replace("WHEN (NEW.start <", "WHEN (least(NEW.start, NEW.promised_start) <")
    .replace("WHEN (OLD.start <", "WHEN (least(OLD.start, OLD.promised_start) <")
    .replace("b.start < clock_timestamp()", "least(b.start, b.promised_start) < clock_timestamp()")
)

MARK_MOVED = """
INSERT INTO audit_stalefacts (booking_id, version)
SELECT id, 1 FROM bookings_booking WHERE promised_start IS NOT NULL ORDER BY id
ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0007_settle_after_three_hours"),
        ("bookings", "0016_booking_outlet_promised"),
    ]

    operations = [
        migrations.RunSQL(NEW, OLD),
        migrations.RunSQL(MARK_MOVED, migrations.RunSQL.noop),
    ]
