from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("review", "0012_award_exits"), ("bounty", "0030_termination_process")]

    operations = []
