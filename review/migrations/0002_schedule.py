from django.db import migrations


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="expire-review-invitations",
        defaults={
            "func": "review.tasks.expire_invitations",
            "schedule_type": "I",
            "minutes": 10,
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="expire-review-invitations").delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(schedule, unschedule)]
