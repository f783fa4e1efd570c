# IdempotencyKey now belongs to hima_service (its migration 0001 took the table over); event kinds
# and statuses become choices.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_notifications_sent_log"),
        ("hima_service", "0001_idempotencykey"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyKey")],
        ),
        migrations.AlterField(
            model_name='bookingevent',
            name='from_status',
            field=models.CharField(blank=True, choices=[('confirmed', 'confirmed'), ('checked_in', 'checked in'), ('in_service', 'in service'), ('ready', 'ready for pickup'), ('completed', 'completed'), ('cancelled', 'cancelled'), ('no_show', 'no-show')], max_length=12),
        ),
        migrations.AlterField(
            model_name='bookingevent',
            name='kind',
            field=models.CharField(choices=[('created', 'booked'), ('walk_in', 'walked in'), ('status', 'status changed'), ('rescheduled', 'rescheduled'), ('bay_assigned', 'bay assigned'), ('feedback', 'rated')], max_length=32),
        ),
        migrations.AlterField(
            model_name='bookingevent',
            name='to_status',
            field=models.CharField(blank=True, choices=[('confirmed', 'confirmed'), ('checked_in', 'checked in'), ('in_service', 'in service'), ('ready', 'ready for pickup'), ('completed', 'completed'), ('cancelled', 'cancelled'), ('no_show', 'no-show')], max_length=12),
        ),
    ]
