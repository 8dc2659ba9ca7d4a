# Issue 16 (procedure integrity): one contract amount. Publish a new version of the
# task book and the tri-party agreement (documents/builtin/*.html): the budget in the 2021
# subjects with 财政 / 自筹 columns, its total the contract's one amount (Art. 3 = Art. 4).

from django.db import migrations

from documents.builtin_versions import publish_builtin

NOTE = "One contract amount: budget in the 2021 subjects with 财政/自筹 columns"


def publish(apps, schema_editor):
    publish_builtin(apps, ["task_book", "tri_party"], note=NOTE)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_acceptance_kind_label"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
