import django.core.validators
from django.db import migrations, models

# The standard catalog's crews (DESIGN.md "Workshop capacity"): battery work needs the
# technician and an HV-qualified guardian; calibration and body work their own skill; tyre work
# and the rest any general technician.
GENERAL_SKILL = {"tyre": "general"}


def crew_needs(apps, schema_editor):
    ServiceType = apps.get_model("outlets", "ServiceType")
    for service in ServiceType.objects.all():
        service.skill = GENERAL_SKILL.get(service.capability, service.capability)
        if service.capability == "ev_battery":
            service.min_hv_level, service.crew_size = 2, 2
        service.save(update_fields=["skill", "min_hv_level", "crew_size"])


class Migration(migrations.Migration):
    dependencies = [("outlets", "0006_closure_reason_zh")]

    operations = [
        migrations.AddField(
            model_name="servicetype",
            name="skill",
            field=models.CharField(
                choices=[
                    ("general", "general"),
                    ("ev_battery", "EV battery"),
                    ("body_paint", "body and paint"),
                    ("adas_calibration", "ADAS calibration"),
                    ("tyre", "tyre"),
                ],
                default="general",
                max_length=24,
            ),
        ),
        migrations.AddField(
            model_name="servicetype",
            name="min_hv_level",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="0 none … 3 live work",
                validators=[django.core.validators.MaxValueValidator(3)],
            ),
        ),
        migrations.AddField(
            model_name="servicetype",
            name="crew_size",
            field=models.PositiveSmallIntegerField(
                default=1,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(3),
                ],
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="plans_crews",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="outlet",
            name="desk_per_slot",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)]
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="desk_per_day",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)]
            ),
        ),
        migrations.AddConstraint(
            model_name="servicetype",
            constraint=models.CheckConstraint(
                condition=models.Q(min_hv_level__lte=3), name="servicetype_hv_0_to_3"
            ),
        ),
        migrations.AddConstraint(
            model_name="servicetype",
            constraint=models.CheckConstraint(
                condition=models.Q(crew_size__gte=1, crew_size__lte=3),
                name="servicetype_crew_1_to_3",
            ),
        ),
        migrations.RunPython(crew_needs, migrations.RunPython.noop),
    ]
