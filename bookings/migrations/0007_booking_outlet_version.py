"""Every write to bookings counts in its outlets' OutletVersion (functions and the other tables'
triggers: outlets 0003): a booking made, moved, cancelled or its bay released changes what the
outlet can offer. Deferred to the commit, row by row: bookings are written concurrently at one
outlet, and a transaction then holds its version row only while it commits."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_booking_holds_recalls"),
        ("outlets", "0003_outlet_version"),
    ]

    operations = [
        migrations.RunSQL(
            """
            CREATE CONSTRAINT TRIGGER bookings_booking_version
                AFTER INSERT OR UPDATE OR DELETE ON bookings_booking
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION outlets_version_bump_row('outlet_id');
            """,
            reverse_sql="DROP TRIGGER bookings_booking_version ON bookings_booking;",
        ),
    ]
