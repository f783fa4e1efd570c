# The accounts a forgotten password names by a verified phone or e-mail address, and the holders
# a newly verified phone is taken from, found by index instead of a scan of every account. Built
# CONCURRENTLY, so the user table keeps taking writes while they are built.

import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0006_username_unique_in_any_case"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="user",
            index=models.Index(fields=["verified_phone"], name="user_verified_phone"),
        ),
        AddIndexConcurrently(
            model_name="user",
            index=models.Index(
                django.db.models.functions.text.Upper("verified_email"),
                name="user_verified_email_upper",
            ),
        ),
    ]
