"""Demo data of the security app (seed_demo): the three administrators (三员分立),
separate accounts with no business role and no superuser flag."""

from django.contrib.auth.hashers import make_password

from accounts.models import User

from .duties import duty_grant
from .models import Duty, StaffDuty

ADMINISTRATORS = [
    ("sysadmin", "系统管理员", Duty.SYSTEM),
    ("secadmin", "安全管理员", Duty.SECURITY),
    ("auditadmin", "审计管理员", Duty.AUDIT),
]


def seed(context):
    names = []
    for username, person, duty in ADMINISTRATORS:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": person,
                "email": f"{username}@demo.jiebang.local",
                "password": make_password(context["password"]),
            },
        )
        if not StaffDuty.objects.filter(user=user).exists():
            duty_grant(user=user, duty=duty)
        names.append(f"{username} ({Duty(duty).label})")
    return f"administrators (password {context['password']}): {', '.join(names)}"
