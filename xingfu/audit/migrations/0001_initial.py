import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("orgunits", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit chain head",
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_head_single_row")],
            },
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="sequence")),
                ("at", models.DateTimeField(verbose_name="time")),
                ("actor_username", models.CharField(blank=True, max_length=150, verbose_name="actor's username")),
                ("action", models.CharField(max_length=64, verbose_name="action")),
                ("object_type", models.CharField(blank=True, max_length=64, verbose_name="object type")),
                ("object_id", models.CharField(blank=True, max_length=64, verbose_name="object id")),
                ("orgunit_path", models.CharField(blank=True, max_length=64, verbose_name="org unit path")),
                ("changes", models.JSONField(blank=True, default=dict, verbose_name="changed fields")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="previous hash")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                (
                    "orgunit",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="orgunits.orgunit",
                        verbose_name="org unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
                "ordering": ["-seq"],
                "indexes": [
                    models.Index(fields=["orgunit_path"], name="audit_path_prefix", opclasses=["varchar_pattern_ops"]),
                    models.Index(fields=["object_type", "object_id"], name="audit_object"),
                    models.Index(fields=["actor", "at"], name="audit_actor_time"),
                ],
            },
        ),
    ]
