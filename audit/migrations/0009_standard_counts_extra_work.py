"""The standard labour time a visit's actual labour is set against counts the approved extra
work's (audit.values_sql, docs/audit.md): a completed visit with approved lines of any labour
time had its facts settled against the booked services alone. Those bookings are marked, and
the settling task settles them again (their weeks too); until then they are read live."""

from django.db import migrations

MARK_EXTRA_WORK = """
INSERT INTO audit_stalefacts (booking_id, version)
SELECT DISTINCT l.booking_id, 1 FROM estimates_estimateline l
WHERE l.state = 'approved' AND l.labour_minutes > 0
ORDER BY l.booking_id
ON CONFLICT (booking_id) DO UPDATE SET version = audit_stalefacts.version + 1;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0008_booked_start"),
        ("estimates", "0001_initial"),
    ]

    operations = [migrations.RunSQL(MARK_EXTRA_WORK, migrations.RunSQL.noop)]
