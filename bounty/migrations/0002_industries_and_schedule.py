"""Seed the industries the city policy names, and the schedule that closes challenges."""

from django.db import migrations

INDUSTRIES = [
    ("integrated-circuits", "集成电路", "Integrated circuits"),
    ("artificial-intelligence", "人工智能", "Artificial intelligence"),
    ("intelligent-manufacturing", "智能制造与高端装备", "Intelligent manufacturing and high-end equipment"),
    ("new-materials", "新材料", "New materials"),
    ("biomedicine", "生物医药", "Biomedicine"),
    ("digital-economy", "数字经济", "Digital economy"),
    ("cell-therapy", "细胞治疗", "Cell therapy"),
    ("aerospace-information", "空天信息", "Aerospace information"),
    ("bio-breeding", "生物育种", "Bio-breeding"),
    ("new-energy", "新能源与动力电池", "New energy and power batteries"),
    ("new-energy-vehicles", "新能源汽车及核心部件", "New energy vehicles and core components"),
    ("rail-transit", "轨道交通", "Rail transit"),
    ("graphene", "石墨烯与碳材料", "Graphene and carbon materials"),
    ("photovoltaics", "光伏与智能电网", "Photovoltaics and smart grids"),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("bounty", "Industry")
    for position, (code, zh, en) in enumerate(INDUSTRIES):
        Industry.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort_order": position}
        )
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="close-expired-challenges",
        defaults={
            "func": "bounty.tasks.close_expired_challenges",
            "schedule_type": "I",  # minutes
            "minutes": 1,
            "repeats": -1,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="close-expired-challenges").delete()


class Migration(migrations.Migration):
    dependencies = [("bounty", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(seed, unseed)]
