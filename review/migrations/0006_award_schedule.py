from django.db import migrations


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="award-after-notice",
        defaults={"func": "review.tasks.award_due_challenges", "schedule_type": "I", "minutes": 10, "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="award-after-notice").delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0005_objection"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(schedule, unschedule)]
