"""API tokens are knox's now (hashed, expiring, one per sign-in). DRF's authtoken app is no
longer installed, so its migrations never run again: its table of plaintext tokens, which
references accounts_user, is dropped here. Left in place it would keep every old token readable
and make deleting or truncating users fail on its foreign key."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_verified_channels_one_time_codes")]

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop
        ),
    ]
