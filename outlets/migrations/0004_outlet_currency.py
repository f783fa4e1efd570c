"""Outlet.currency: the ISO 4217 code of the prices an outlet quotes (the alliance sells abroad)."""

from django.db import migrations, models


def euro_in_germany(apps, schema_editor):
    Outlet = apps.get_model("outlets", "Outlet")
    Outlet.objects.filter(country="DE").update(currency="EUR")


class Migration(migrations.Migration):
    dependencies = [("outlets", "0003_outlet_version")]

    operations = [
        migrations.AddField(
            model_name="outlet",
            name="currency",
            field=models.CharField(
                default="CNY", help_text="ISO 4217 code of the prices it quotes.", max_length=3
            ),
        ),
        migrations.RunPython(euro_in_germany, migrations.RunPython.noop),
    ]
