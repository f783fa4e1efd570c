"""OutletVersion, and the triggers that keep it: one statement-level trigger per write kind on
each table that shapes what an outlet offers. `outlets_version_bump(column)` adds one to the
version of every outlet the statement touched (old rows and new), in the row of the outlet's
shard that the transaction id picks (one row per outlet and transaction, so no transaction
waits for itself), in outlet order, so that two statements touching several outlets lock their
version rows in the same order."""

from django.db import migrations, models

BUMP_FUNCTION = """
CREATE FUNCTION outlets_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched text := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %1$I AS id FROM changed', TG_ARGV[0])
        WHEN 'DELETE' THEN format('SELECT %1$I AS id FROM changed_before', TG_ARGV[0])
        ELSE format(
            'SELECT %1$I AS id FROM changed UNION SELECT %1$I FROM changed_before', TG_ARGV[0]
        )
    END;
BEGIN
    EXECUTE 'INSERT INTO outlets_outletversion (outlet_id, shard, version) '
        || 'SELECT DISTINCT id, (pg_current_xact_id()::text::bigint % 16)::smallint, 1 '
        || 'FROM (' || touched || ') AS t WHERE id IS NOT NULL ORDER BY id '
        || 'ON CONFLICT (outlet_id, shard) '
        || 'DO UPDATE SET version = outlets_outletversion.version + 1';
    RETURN NULL;
END
$$;
"""


# For a table written often and concurrently (bookings): a row-level trigger deferred to the
# commit, so that a transaction holds its version row only while it commits, not from its first
# write on. Constraint triggers are row-level only, hence one function per row.
BUMP_ROW_FUNCTION = """
CREATE FUNCTION outlets_version_bump_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := ARRAY[]::bigint[];
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        ids := ids || (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        ids := ids || (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    END IF;
    INSERT INTO outlets_outletversion (outlet_id, shard, version)
        SELECT DISTINCT id, (pg_current_xact_id()::text::bigint % 16)::smallint, 1
        FROM unnest(ids) AS id WHERE id IS NOT NULL ORDER BY id
        ON CONFLICT (outlet_id, shard) DO UPDATE SET version = outlets_outletversion.version + 1;
    RETURN NULL;
END
$$;
"""


def triggers(table: str, column: str = "outlet_id", kinds: tuple[str, ...] = ()) -> str:
    """CREATE TRIGGER statements on `table` for INSERT, UPDATE and DELETE (or `kinds`)."""
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS changed",
        "UPDATE": "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed",
        "DELETE": "REFERENCING OLD TABLE AS changed_before",
    }
    return "\n".join(
        f"CREATE TRIGGER {table}_version_{kind.lower()} AFTER {kind} ON {table} "
        f"{referencing[kind]} FOR EACH STATEMENT EXECUTE FUNCTION outlets_version_bump('{column}');"
        for kind in kinds or tuple(referencing)
    )


def drop_triggers(table: str, kinds: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")) -> str:
    return "\n".join(f"DROP TRIGGER {table}_version_{kind.lower()} ON {table};" for kind in kinds)


OUTLET_TABLES = [
    "outlets_openinghours",
    "outlets_closure",
    "outlets_bay",
    "outlets_outlet_services",
    "outlets_outlet_brands",
]


class Migration(migrations.Migration):
    dependencies = [
        ("outlets", "0002_standard_service_catalog"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutletVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("outlet_id", models.BigIntegerField()),
                ("shard", models.SmallIntegerField()),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("outlet_id", "shard"), name="outlet_version_shard"
                    )
                ],
            },
        ),
        migrations.RunSQL(BUMP_FUNCTION, reverse_sql="DROP FUNCTION outlets_version_bump();"),
        migrations.RunSQL(
            BUMP_ROW_FUNCTION, reverse_sql="DROP FUNCTION outlets_version_bump_row();"
        ),
        migrations.RunSQL(
            "\n".join(triggers(table) for table in OUTLET_TABLES)
            # The outlet row itself: its hours' zone, slot step, turnover, being active. A new
            # outlet starts at version 0 and a deleted one needs none.
            + triggers("outlets_outlet", "id", kinds=("UPDATE",)),
            reverse_sql="\n".join(drop_triggers(table) for table in OUTLET_TABLES)
            + drop_triggers("outlets_outlet", kinds=("UPDATE",)),
        ),
    ]
