"""Schedule the worker heartbeat every minute (reported by /healthz)."""

from django.db import migrations


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="ops-heartbeat",
        defaults={
            "func": "ops.tasks.heartbeat",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="ops-heartbeat").delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial"), ("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(schedule, unschedule)]
