import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="OrgUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=12, unique=True, verbose_name="code")),
                ("name_zh", models.CharField(max_length=100, verbose_name="Chinese name")),
                ("name_en", models.CharField(blank=True, max_length=100, verbose_name="English name")),
                (
                    "level",
                    models.CharField(
                        choices=[("district", "District"), ("town", "Town / subdistrict"), ("village", "Village / community")],
                        max_length=10,
                        verbose_name="level",
                    ),
                ),
                ("path", models.CharField(editable=False, max_length=64, unique=True, verbose_name="path")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="orgunits.orgunit",
                        verbose_name="parent",
                    ),
                ),
            ],
            options={
                "verbose_name": "org unit",
                "verbose_name_plural": "org units",
                "ordering": ["path"],
                "indexes": [
                    models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]),
                    models.Index(fields=["level"], name="orgunit_level"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("level", "district"), ("parent__isnull", True))
                        | models.Q(("level__in", ["town", "village"]), ("parent__isnull", False)),
                        name="orgunit_only_district_is_root",
                    ),
                    models.CheckConstraint(condition=models.Q(("code", ""), _negated=True), name="orgunit_code_not_empty"),
                ],
            },
        ),
    ]
