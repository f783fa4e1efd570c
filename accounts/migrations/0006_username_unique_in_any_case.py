# A username is one account in any case: a unique index on its upper case, which also serves
# Django's case-blind lookups (username__iexact compares UPPER()). Built CONCURRENTLY, so the user
# table keeps taking writes while it is built (every sign-in records its time on the row); the
# migration state records it as the model's UniqueConstraint, which is this same index.

import django.db.models.functions.text
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0005_one_time_code_password_reset"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.CaseInsensitiveUserManager()),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'CREATE UNIQUE INDEX CONCURRENTLY "user_username_upper_unique" '
                    'ON "accounts_user" ((UPPER("username")))',
                    reverse_sql='DROP INDEX CONCURRENTLY "user_username_upper_unique"',
                )
            ],
            state_operations=[
                migrations.AddConstraint(
                    model_name="user",
                    constraint=models.UniqueConstraint(
                        django.db.models.functions.text.Upper("username"),
                        name="user_username_upper_unique",
                        violation_error_message="This username is already taken.",
                    ),
                ),
            ],
        ),
    ]
