"""The store's monthly check plan (CLEAN-17): each store knows its schedule."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("environment", "0001_initial"),
        ("workflow", "0008_fieldwork_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="check_schedule",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="environment_store",
                to="workflow.schedule",
                verbose_name="月检计划",
            ),
        ),
    ]
