# Each booking carries its car's brand, kept by the database, so that the audit counts a brand's
# bookings without joining every one to its car (at the alliance's size a month ahead is a
# quarter of a million bookings).
#
# Not atomic, for a live bookings table: the column is added empty, the triggers keep every row
# written from then on, the rows before are filled in batches of their own transactions (no
# lock held over the whole table for minutes), and only then is the column declared NOT NULL.

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from psycopg import sql

BATCH = 50_000

# Before a booking is written with its car (insert, or a change of the car or of the brand
# itself, as a full save sends): the car's brand now.
BOOKING_BRAND = """
CREATE FUNCTION booking_set_brand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.brand_id INTO NEW.brand_id
    FROM vehicles_vehicle v JOIN vehicles_vehiclemodel m ON m.id = v.model_id
    WHERE v.id = NEW.vehicle_id;
    RETURN NEW;
END $$;
CREATE TRIGGER booking_brand BEFORE INSERT OR UPDATE OF vehicle_id, brand_id
    ON bookings_booking FOR EACH ROW EXECUTE FUNCTION booking_set_brand();
"""
# A car's model corrected: its bookings follow (each through the trigger above).
VEHICLE_BRAND = """
CREATE FUNCTION vehicle_set_bookings_brand() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bookings_booking b SET brand_id = m.brand_id
    FROM vehicles_vehiclemodel m
    WHERE m.id = NEW.model_id AND b.vehicle_id = NEW.id AND b.brand_id IS DISTINCT FROM m.brand_id;
    RETURN NULL;
END $$;
CREATE TRIGGER vehicle_bookings_brand AFTER UPDATE OF model_id ON vehicles_vehicle
    FOR EACH ROW WHEN (OLD.model_id IS DISTINCT FROM NEW.model_id)
    EXECUTE FUNCTION vehicle_set_bookings_brand();
"""
DROP_TRIGGERS = """
DROP TRIGGER vehicle_bookings_brand ON vehicles_vehicle;
DROP FUNCTION vehicle_set_bookings_brand();
DROP TRIGGER booking_brand ON bookings_booking;
DROP FUNCTION booking_set_brand();
"""
FILL = sql.SQL("""
UPDATE bookings_booking b SET brand_id = m.brand_id
FROM vehicles_vehicle v JOIN vehicles_vehiclemodel m ON m.id = v.model_id
WHERE v.id = b.vehicle_id AND b.id >= %(first)s AND b.id < %(first)s + %(batch)s
  AND b.brand_id IS NULL
""")


def fill_brands(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The bookings written before the triggers, a batch of ids at a time."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM bookings_booking")
        first, last = cursor.fetchone()
        if first is None:
            return
        for start in range(first, last + 1, BATCH):
            cursor.execute(FILL, {"first": start, "batch": BATCH})


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bookings", "0013_booking_vehicle_active"),
        ("vehicles", "0004_verified_owners_delivery_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="brand",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="vehicles.brand",
            ),
        ),
        migrations.RunSQL(BOOKING_BRAND + VEHICLE_BRAND, DROP_TRIGGERS),
        migrations.RunPython(fill_brands, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="booking",
            name="brand",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="vehicles.brand",
            ),
        ),
    ]
