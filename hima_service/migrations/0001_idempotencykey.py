# The IdempotencyKey table moves from bookings to the core: the model state is taken over as it
# is (same table, same rows), then the table and its index get the core's names.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0002_notifications_sent_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=255)),
                        ("method", models.CharField(max_length=8)),
                        ("path", models.CharField(max_length=255)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "bookings_idempotencykey",
                        "indexes": [
                            models.Index(fields=["created_at"], name="bookings_id_created_ad5b56_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="idempotencykey_unique"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="idempotencykey", table=None),
        migrations.RenameIndex(
            model_name="idempotencykey",
            new_name="idempotencykey_created_at",
            old_name="bookings_id_created_ad5b56_idx",
        ),
    ]
