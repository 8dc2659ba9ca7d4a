# Issue 16 (procedure integrity): the public notice of winners prints where objections go
# (handling office, phone, address). Publish the new documents/builtin/notice.html as a new
# version on databases that already have the notice template (0003 read the old file).

from django.db import migrations

from documents.builtin_versions import publish_builtin


def publish(apps, schema_editor):
    publish_builtin(apps, ["notice"], note="Objections: handling office, phone and address")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0009_supplement_agreement"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
