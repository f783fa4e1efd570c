from django.db import migrations

# An aggregate that joins arrays end to end (PostgreSQL's own documentation builds aggregates
# this way): the equity view pools each side's settled weeks' values with it, where unnesting
# them into one row per value cost most of the statement (audit.sql, EQUITY_FIGURES).
CREATE = """
CREATE AGGREGATE audit_array_cat_agg(anycompatiblearray) (
    SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}'
);
"""
DROP = "DROP AGGREGATE audit_array_cat_agg(anycompatiblearray);"


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_week_figures"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
