"""Demo data for a first look. Idempotent: running it twice changes nothing."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.credit_code import make_credit_code
from accounts.models import Organization, OrganizationKind, OrganizationStatus, Role, User
from accounts.services import (
    bureau_bootstrap,
    membership_add,
    organization_district_set,
    organization_verify,
)

PASSWORD = "Demo-2026!"

BUREAU = ("常州市科学技术局", "Changzhou Science and Technology Bureau", "11320400014117463")
ENTERPRISES = [
    (
        "issuer1",
        "王建国",
        "常州新能源动力电池有限公司",
        "Changzhou New Energy Battery Co., Ltd.",
        "91320400MA1N2X3Y4",
    ),
    (
        "issuer2",
        "李海燕",
        "江苏精工智能装备股份有限公司",
        "Jiangsu Precision Intelligent Equipment Co.",
        "91320411MA20ABCD5",
    ),
    (
        "issuer3",
        "陈志强",
        "常州华芯集成电路有限公司",
        "Changzhou Huaxin Integrated Circuit Co., Ltd.",
        "91320412MA1WXYQ86",
    ),
]
# District bureaus (辖市区科技局): (username, officer, name, English name, credit code prefix,
# jurisdiction, division code); each recommends the needs of the enterprises in its district.
DISTRICTS = [
    (
        "wujin",
        "蒋区科",
        "常州市武进区科学技术局",
        "Wujin District Science and Technology Bureau",
        "11320412014117123",
        "武进区",
        "320412",
    ),
    (
        "xinbei",
        "许区科",
        "常州市新北区科学技术局",
        "Xinbei District Science and Technology Bureau",
        "11320411014117234",
        "新北区",
        "320411",
    ),
]
# The district of each demo enterprise, by index into DISTRICTS.
ENTERPRISE_DISTRICT = (0, 1, 0)
TEAMS = [
    (
        "team1",
        "张明",
        "常州大学",
        "Changzhou University",
        OrganizationKind.UNIVERSITY,
        "12320000466008432",
    ),
    (
        "team2",
        "刘芳",
        "河海大学常州校区",
        "Hohai University Changzhou Campus",
        OrganizationKind.UNIVERSITY,
        "12100000466007104",
    ),
    (
        "team3",
        "赵磊",
        "江苏省产业技术研究院智能制造研究所",
        "JITRI Institute of Intelligent Manufacturing",
        OrganizationKind.INSTITUTE,
        "12320400MB1C73021",
    ),
    (
        "team4",
        "孙丽",
        "常州先进材料研究院",
        "Changzhou Institute of Advanced Materials",
        OrganizationKind.NEW_RD,
        "52320400MJ5L12345",
    ),
    (
        "team5",
        "周杰",
        "常州天合光电科技有限公司",
        "Changzhou Tianhe Photoelectric Technology Co.",
        OrganizationKind.ENTERPRISE,
        "91320400MA1MFE123",
    ),
    (
        "team6",
        "吴婷",
        "中科院常州先进制造技术研究所",
        "CAS Changzhou Institute of Advanced Manufacturing",
        OrganizationKind.INSTITUTE,
        "12100000400012345",
    ),
]


def _user(username, full_name):
    # The password is hashed before the first save: a new account, not a changed password.
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@demo.jiebang.local",
            "password": make_password(PASSWORD),
        },
    )
    return user


def _org(name, name_en, prefix17, kind, admin, role, bureau_officer):
    code = make_credit_code(prefix17)
    org = Organization.objects.filter(credit_code=code).first()
    if org is None:
        org = Organization.objects.create(
            name=name,
            name_en=name_en,
            credit_code=code,
            kind=kind,
            created_by=admin,
            legal_representative=admin.full_name,
            address=f"常州市高新技术产业开发区创新大道{sum(map(ord, prefix17)) % 900 + 1}号",
            contact_phone=f"0519-8600{sum(map(ord, prefix17)) % 10000:04d}",
        )
    membership_add(organization=org, user=admin, role=role, is_admin=True, by=admin)
    if org.status == OrganizationStatus.PENDING:
        org = organization_verify(
            organization=org, by=bureau_officer, comment="演示数据 / demo data"
        )
    return org


class Command(BaseCommand):
    help = "Create demo organisations and users (idempotent) and print their logins."

    @transaction.atomic
    def handle(self, *args, **options):
        # The officer works through the site's own pages: no admin access, no model
        # permission (the admin belongs to the three administrators below).
        officer = _user("bureau", "钱科长")
        bureau = bureau_bootstrap(
            name=BUREAU[0],
            name_en=BUREAU[1],
            credit_code=make_credit_code(BUREAU[2]),
            officer=officer,
        )
        if not bureau.legal_representative:
            bureau.legal_representative = "赵局长"
            bureau.address = "常州市人民路1号市政府大楼"
            bureau.save(update_fields=["legal_representative", "address"])
        supervisor = _user("supervisor", "纪监督")
        # The supervisor belongs to another organisation than the bureau's officers: an
        # expert draw needs its two parties from different organisations (draw v3).
        oversight = _org(
            "常州市纪委监委驻市科技局纪检监察组",
            "Discipline inspection team stationed at the bureau",
            "11320400MB0J88881",
            OrganizationKind.BUREAU,
            supervisor,
            Role.SUPERVISOR,
            officer,
        )
        # A second officer: a review (复查/复核) of a due-process decision is decided by
        # another officer than the one who decided.
        reviewer = _user("bureau2", "孙复核")
        membership_add(organization=bureau, user=reviewer, role=Role.BUREAU, by=officer)
        rows = [
            ("bureau", "钱科长", bureau.name, Role.BUREAU.label),
            ("bureau2", "孙复核", bureau.name, Role.BUREAU.label),
            ("supervisor", "纪监督", oversight.name, Role.SUPERVISOR.label),
        ]
        districts = []
        for username, person, name, name_en, prefix, jurisdiction, code in DISTRICTS:
            user = _user(username, person)
            org = _org(
                name,
                name_en,
                prefix,
                OrganizationKind.DISTRICT_BUREAU,
                user,
                Role.DISTRICT,
                officer,
            )
            if org.region_code != code:
                org.jurisdiction, org.region_code = jurisdiction, code
                org.save(update_fields=["jurisdiction", "region_code"])
            districts.append((user, org))
            rows.append((username, person, org.name, Role.DISTRICT.label))
        issuers = []
        for username, person, name, name_en, prefix in ENTERPRISES:
            user = _user(username, person)
            org = _org(
                name, name_en, prefix, OrganizationKind.ENTERPRISE, user, Role.ISSUER, officer
            )
            district = districts[ENTERPRISE_DISTRICT[len(issuers)]][1]
            if org.district_id != district.pk:
                org = organization_district_set(organization=org, district=district, by=user)
            issuers.append((user, org))
            rows.append((username, person, org.name, Role.ISSUER.label))
        team_rows = []
        for username, person, name, name_en, kind, prefix in TEAMS:
            user = _user(username, person)
            org = _org(name, name_en, prefix, kind, user, Role.BIDDER, officer)
            team_rows.append((user, org))
            rows.append((username, person, org.name, Role.BIDDER.label))
        teams = team_rows
        # Apps above accounts contribute their own demo data through a ``demo``
        # module with ``seed(context)``; accounts never imports them.
        # A module may also have ``seed_after(context)``, run once every app has seeded
        # (e.g. review's acceptance panels need the contracts signed by documents' seed).
        context = {
            "officer": officer,
            "reviewer": reviewer,
            "supervisor": supervisor,
            "issuers": issuers,
            "districts": districts,
            "teams": teams,
            "password": PASSWORD,
        }
        modules = []
        for config in apps.get_app_configs():
            if config.name == "accounts":
                continue
            try:
                modules.append((config, import_module(f"{config.name}.demo")))
            except ModuleNotFoundError:
                continue
        for step in ("seed", "seed_after"):
            for config, module in modules:
                summary = getattr(module, step, lambda context: "")(context)
                if summary:
                    self.stdout.write(f"{config.verbose_name}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ with:"))
        self.stdout.write(f"  {'username':<12} {'password':<10} role / organisation")
        for username, person, org, role in rows:
            self.stdout.write(f"  {username:<12} {PASSWORD:<10} {role} · {org} ({person})")
        self.stdout.write(
            "Officers, supervisors and the three administrators set up two-factor log-in "
            "(an authenticator app on a phone) at their first log-in."
        )
