from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bounty", "0029_formal_check_cure")]

    operations = []
