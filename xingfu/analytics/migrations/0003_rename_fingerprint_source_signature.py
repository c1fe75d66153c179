from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_drop_level_index"),
    ]

    operations = [
        migrations.RenameField(
            model_name="refreshbatch",
            old_name="fingerprint",
            new_name="source_signature",
        ),
        migrations.AlterField(
            model_name="refreshbatch",
            name="source_signature",
            field=models.JSONField(blank=True, default=dict, verbose_name="source signature"),
        ),
    ]
