"""Merges made before the registry had ``Person.merged_into``: mark their merged-away records now."""

from django.db import migrations


def mark_merged(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    PersonMerge = apps.get_model("linkage", "PersonMerge")
    for merged_id, survivor_id in PersonMerge.objects.values_list("merged_id", "survivor_id"):
        Person.objects.filter(pk=merged_id).update(status="merged", merged_into_id=survivor_id)


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0001_initial"),
        ("registry", "0004_person_merged_into_disability_grade"),
    ]

    operations = [migrations.RunPython(mark_merged, migrations.RunPython.noop)]
