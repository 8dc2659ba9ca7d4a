"""Schedule the daily project run: reporting windows and milestone reminders."""

from django.db import migrations


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="project-daily",
        defaults={
            "func": "bounty.tasks.project_daily",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="project-daily").delete()


class Migration(migrations.Migration):
    dependencies = [("bounty", "0016_project_execution"), ("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(schedule, unschedule)]
