"""The triggers that mark a settled booking's facts stale (audit.models): on every table whose
rows a booking's audit values are computed from, whoever writes. Only bookings that started more
than 47 hours ago are marked (SETTLE_AFTER, two days, less an hour for a transaction that wrote
before a settling run and commits after it): today's bookings change all day, and no write on
them pays more than the trigger's WHEN.

What changes the values of many bookings at once (a service type's category, checklist or
catalog price, a model's brand) forgets every fact instead: the watermark goes, every booking is
read live, and the settling task settles them all again."""

from django.db import migrations

# Row-level on bookings: the WHEN below keeps today's bookings free of any call.
MARK_BOOKING = """
CREATE FUNCTION audit_mark_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_stalefacts (booking_id, version)
    VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END, 1)
    ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER bookings_booking_audit_insert AFTER INSERT ON bookings_booking FOR EACH ROW
    WHEN (NEW.start < clock_timestamp() - interval '47 hours')
    EXECUTE FUNCTION audit_mark_booking();
CREATE TRIGGER bookings_booking_audit_update AFTER UPDATE ON bookings_booking FOR EACH ROW
    WHEN (least(OLD.start, NEW.start) < clock_timestamp() - interval '47 hours')
    EXECUTE FUNCTION audit_mark_booking();
CREATE TRIGGER bookings_booking_audit_delete AFTER DELETE ON bookings_booking FOR EACH ROW
    WHEN (OLD.start < clock_timestamp() - interval '47 hours')
    EXECUTE FUNCTION audit_mark_booking();
"""

# Statement-level on a booking's own rows (`booking_id`): one statement marks every booking a
# bulk write touched, bookings in id order (the order two statements take the marks' locks in).
MARK_IDS = """
INSERT INTO audit_stalefacts (booking_id, version)
SELECT b.id, 1 FROM bookings_booking b
WHERE b.id IN (SELECT booking_id FROM {source})
  AND b.start < clock_timestamp() - interval '47 hours'
ORDER BY b.id
ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
"""
MARK_CHILDREN = f"""
CREATE FUNCTION audit_mark_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MARK_IDS.format(source="changed")}
    RETURN NULL;
END
$$;
CREATE FUNCTION audit_mark_old_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MARK_IDS.format(source="changed_before")}
    RETURN NULL;
END
$$;
CREATE FUNCTION audit_mark_changed_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MARK_IDS.format(source="(SELECT booking_id FROM changed UNION SELECT booking_id FROM changed_before) AS touched")}
    RETURN NULL;
END
$$;
"""  # noqa: E501
CHILD_TABLES = ["bookings_bookingservice", "bookings_feedback", "estimates_estimateline"]


def child_triggers(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_audit_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION audit_mark_new_rows();
CREATE TRIGGER {table}_audit_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION audit_mark_changed_rows();
CREATE TRIGGER {table}_audit_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed_before
    FOR EACH STATEMENT EXECUTE FUNCTION audit_mark_old_rows();
"""


# A car's model decides its brand; an outlet's currency, the price book's column.
def mark_bookings_of(function: str, column: str) -> str:
    """A row trigger's function marking every settled booking whose `column` names the row."""
    return f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_stalefacts (booking_id, version)
    SELECT b.id, 1 FROM bookings_booking b
    WHERE b.{column} = NEW.id AND b.start < clock_timestamp() - interval '47 hours'
    ORDER BY b.id
    ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
    RETURN NULL;
END
$$;"""


MARK_REFERENCES = f"""{mark_bookings_of("audit_mark_vehicle", "vehicle_id")}
CREATE TRIGGER vehicles_vehicle_audit_model AFTER UPDATE OF model_id ON vehicles_vehicle
    FOR EACH ROW WHEN (OLD.model_id IS DISTINCT FROM NEW.model_id)
    EXECUTE FUNCTION audit_mark_vehicle();
{mark_bookings_of("audit_mark_outlet", "outlet_id")}
CREATE TRIGGER outlets_outlet_audit_currency AFTER UPDATE OF currency ON outlets_outlet
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION audit_mark_outlet();
"""

# The price book's rows: the completed bookings with a line of the changed service, booked from
# the day (less one, for any zone) the changed price is valid: a price valid from tomorrow marks
# none.
MARK_PRICED = """
INSERT INTO audit_stalefacts (booking_id, version)
SELECT DISTINCT b.id, 1
FROM (SELECT service_type_id, min(valid_from) AS valid_from FROM {source}
      GROUP BY service_type_id) AS priced
JOIN bookings_bookingservice bs ON bs.service_type_id = priced.service_type_id
JOIN bookings_booking b ON b.id = bs.booking_id
WHERE b.status = 'completed'
  AND b.created_at >= (priced.valid_from - 1)::timestamp AT TIME ZONE 'UTC'
  AND b.start < clock_timestamp() - interval '47 hours'
ORDER BY b.id
ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
"""
PRICE_SOURCES = {
    "insert": ("changed", "REFERENCING NEW TABLE AS changed"),
    "update": (
        "(SELECT service_type_id, valid_from FROM changed UNION ALL "
        "SELECT service_type_id, valid_from FROM changed_before) AS touched",
        "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed",
    ),
    "delete": ("changed_before", "REFERENCING OLD TABLE AS changed_before"),
}
MARK_PRICES = "".join(
    f"""
CREATE FUNCTION audit_mark_prices_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MARK_PRICED.format(source=source)}
    RETURN NULL;
END
$$;
CREATE TRIGGER pricing_serviceprice_audit_{kind} AFTER {kind.upper()} ON pricing_serviceprice
    {referencing} FOR EACH STATEMENT EXECUTE FUNCTION audit_mark_prices_{kind}();
"""
    for kind, (source, referencing) in PRICE_SOURCES.items()
)

FORGET_ALL = """
CREATE FUNCTION audit_forget_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM audit_factswatermark;
    RETURN NULL;
END
$$;
CREATE TRIGGER outlets_servicetype_audit AFTER UPDATE ON outlets_servicetype FOR EACH ROW
    WHEN (OLD.category IS DISTINCT FROM NEW.category OR OLD.checklist IS DISTINCT FROM NEW.checklist
          OR OLD.price IS DISTINCT FROM NEW.price)
    EXECUTE FUNCTION audit_forget_facts();
CREATE TRIGGER vehicles_vehiclemodel_audit AFTER UPDATE OF brand_id ON vehicles_vehiclemodel
    FOR EACH ROW WHEN (OLD.brand_id IS DISTINCT FROM NEW.brand_id)
    EXECUTE FUNCTION audit_forget_facts();
"""  # noqa: E501


DROP = """
DROP TRIGGER bookings_booking_audit_insert ON bookings_booking;
DROP TRIGGER bookings_booking_audit_update ON bookings_booking;
DROP TRIGGER bookings_booking_audit_delete ON bookings_booking;
DROP FUNCTION audit_mark_booking();
{children}
DROP FUNCTION audit_mark_new_rows();
DROP FUNCTION audit_mark_old_rows();
DROP FUNCTION audit_mark_changed_rows();
DROP TRIGGER vehicles_vehicle_audit_model ON vehicles_vehicle;
DROP FUNCTION audit_mark_vehicle();
DROP TRIGGER outlets_outlet_audit_currency ON outlets_outlet;
DROP FUNCTION audit_mark_outlet();
{prices}
DROP TRIGGER outlets_servicetype_audit ON outlets_servicetype;
DROP TRIGGER vehicles_vehiclemodel_audit ON vehicles_vehiclemodel;
DROP FUNCTION audit_forget_facts();
""".format(
    children="\n".join(
        f"DROP TRIGGER {table}_audit_{kind} ON {table};"
        for table in CHILD_TABLES
        for kind in ("insert", "update", "delete")
    ),
    prices="\n".join(
        f"DROP TRIGGER pricing_serviceprice_audit_{kind} ON pricing_serviceprice;\n"
        f"DROP FUNCTION audit_mark_prices_{kind}();"
        for kind in PRICE_SOURCES
    ),
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_settled_facts"),
        ("bookings", "0012_notification_pending_due_id"),
        ("estimates", "0001_initial"),
        ("outlets", "0007_workshop_capacity"),
        ("pricing", "0002_seed_price_book"),
        ("vehicles", "0004_verified_owners_delivery_records"),
    ]

    operations = [
        migrations.RunSQL(
            MARK_BOOKING
            + MARK_CHILDREN
            + "".join(child_triggers(table) for table in CHILD_TABLES)
            + MARK_REFERENCES
            + MARK_PRICES
            + FORGET_ALL,
            DROP,
        ),
    ]
