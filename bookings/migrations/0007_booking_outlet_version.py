"""Every write to bookings counts in its outlets' OutletVersion (function and the other tables'
triggers: outlets 0003): a booking made, moved, cancelled or its bay released changes what the
outlet can offer."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_booking_holds_recalls"),
        ("outlets", "0003_outlet_version"),
    ]

    operations = [
        migrations.RunSQL(
            """
            CREATE TRIGGER bookings_booking_version_insert AFTER INSERT ON bookings_booking
                REFERENCING NEW TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION outlets_version_bump('outlet_id');
            CREATE TRIGGER bookings_booking_version_update AFTER UPDATE ON bookings_booking
                REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION outlets_version_bump('outlet_id');
            CREATE TRIGGER bookings_booking_version_delete AFTER DELETE ON bookings_booking
                REFERENCING OLD TABLE AS changed_before
                FOR EACH STATEMENT EXECUTE FUNCTION outlets_version_bump('outlet_id');
            """,
            reverse_sql="""
            DROP TRIGGER bookings_booking_version_insert ON bookings_booking;
            DROP TRIGGER bookings_booking_version_update ON bookings_booking;
            DROP TRIGGER bookings_booking_version_delete ON bookings_booking;
            """,
        ),
    ]
