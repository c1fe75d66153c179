from django.db import migrations

from xingfu.orgunits.district import DISTRICT, TOWNS


def load(apps, schema_editor):
    OrgUnit = apps.get_model("orgunits", "OrgUnit")
    code, zh, en = DISTRICT
    district, _ = OrgUnit.objects.get_or_create(
        code=code, defaults={"name_zh": zh, "name_en": en, "level": "district", "path": f"/{code}/"}
    )
    for code, zh, en in TOWNS:
        OrgUnit.objects.get_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "level": "town", "parent": district, "path": f"{district.path}{code}/"},
        )


class Migration(migrations.Migration):
    dependencies = [("orgunits", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
