"""The inspection schedule per facility kind and the checklist questions: data, editable in the admin."""

from django.db import migrations


def load(apps, schema_editor):
    from xingfu.oversight.reference import ensure_reference_data

    ensure_reference_data(apps.get_model("oversight", "InspectionSchedule"), apps.get_model("oversight", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
