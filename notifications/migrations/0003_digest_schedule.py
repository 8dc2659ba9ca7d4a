"""Schedule the daily digest of notifications."""

from django.db import migrations


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="notifications-daily-digest",
        defaults={
            "func": "notifications.tasks.send_daily_digests",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(
        name="notifications-daily-digest"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_email_preference"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
