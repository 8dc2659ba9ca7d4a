from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0011_supplement_signing")]

    operations = []
