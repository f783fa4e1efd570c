"""The roster shapes what an outlet can offer, so its writes count in OutletVersion like the
bays' (functions: outlets 0003): a shift in its outlet's version; a technician's certificate,
brand authorization or absence in the versions of every outlet where they have a shift. Without
these, a cached availability answer would ignore a guardian's new absence until it expired."""

from django.db import migrations

BUMP_BY_TECHNICIAN = """
CREATE FUNCTION crews_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
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
        || 'SELECT DISTINCT s.outlet_id, (pg_current_xact_id()::text::bigint % 16)::smallint, 1 '
        || 'FROM crews_shift s JOIN (' || touched || ') AS t ON s.technician_id = t.id '
        || 'ORDER BY s.outlet_id '
        || 'ON CONFLICT (outlet_id, shard) '
        || 'DO UPDATE SET version = outlets_outletversion.version + 1';
    RETURN NULL;
END
$$;
"""

REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS changed",
    "UPDATE": "REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed",
    "DELETE": "REFERENCING OLD TABLE AS changed_before",
}


def triggers(table: str, function: str, column: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_version_{kind.lower()} AFTER {kind} ON {table} "
        f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}('{column}');"
        for kind, referencing in REFERENCING.items()
    )


def drop_triggers(table: str) -> str:
    return "\n".join(f"DROP TRIGGER {table}_version_{kind.lower()} ON {table};" for kind in REFERENCING)


class Migration(migrations.Migration):
    dependencies = [
        ("crews", "0001_initial"),
        ("outlets", "0003_outlet_version"),
    ]

    operations = [
        migrations.RunSQL(
            triggers("crews_shift", "outlets_version_bump", "outlet_id"),
            reverse_sql=drop_triggers("crews_shift"),
        ),
        migrations.RunSQL(
            BUMP_BY_TECHNICIAN
            + triggers("crews_technician", "crews_version_bump", "id")
            + triggers("crews_brandauthorization", "crews_version_bump", "technician_id")
            + triggers("crews_absence", "crews_version_bump", "technician_id"),
            reverse_sql=drop_triggers("crews_technician")
            + drop_triggers("crews_brandauthorization")
            + drop_triggers("crews_absence")
            + "DROP FUNCTION crews_version_bump();",
        ),
    ]
