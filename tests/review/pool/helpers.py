"""Experts and pool files for the pool tests (import, export, screens, profiles)."""

import csv
import io
import itertools

from django.utils import timezone
from openpyxl import Workbook

from accounts.credit_code import ALPHABET, make_credit_code
from bounty.models import Industry
from review.models import Draw, Expert, Seat
from tests.bounty.factories import make_challenge

_numbers = itertools.count(1)

HEADER_EN = [
    "Expert ID",
    "Name",
    "Industries",
    "Keywords",
    "Employer",
    "Employer credit code",
    "Title",
    "Type",
    "Phone",
    "Email",
    "Status",
]
HEADER_ZH = [
    "专家编号",
    "姓名",
    "行业",
    "关键词",
    "工作单位",
    "单位统一社会信用代码",
    "职称",
    "专家类型",
    "电话",
    "电子邮箱",
    "状态",
]


def credit_code(n=None):
    n = next(_numbers) if n is None else n
    return make_credit_code(f"91320400{n:09d}")


def wrong_check(code):
    """The same code with a wrong check character."""
    other = ALPHABET[(ALPHABET.index(code[17]) + 1) % len(ALPHABET)]
    return code[:17] + other


def row(code, **overrides):
    """One valid file row as a dict keyed by the English headers."""
    n = int("".join(ch for ch in code if ch.isdigit()) or "0")
    values = {
        "Expert ID": code,
        "Name": f"专家{code}",
        "Industries": "new-materials;integrated-circuits",
        "Keywords": "碳化硅、外延",
        "Employer": f"单位{n}",
        "Employer credit code": credit_code(n + 1000),
        "Title": "正高",
        "Type": "技术",
        "Phone": f"1380000{n:04d}",
        "Email": f"{code.lower()}@example.cn",
        "Status": "在库",
    }
    values.update(overrides)
    return values


def rows(n, start=1, prefix="E"):
    return [row(f"{prefix}{i:05d}") for i in range(start, start + n)]


def table(records, header=HEADER_EN):
    """Header + values in ``header`` order (records keyed by the English headers)."""
    english = dict(zip(HEADER_ZH, HEADER_EN, strict=True))

    def key(name):
        return english.get(name, name)

    return [list(header)] + [[r.get(key(h), "") for h in header] for r in records]


def csv_bytes(records, header=HEADER_EN, *, bom=True, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table(records, header))
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode(encoding)


def xlsx_bytes(records, header=HEADER_EN, *, above=()):
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    for line in table(records, header):
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_expert(code=None, *, industries=("new-materials",), user=None, **fields):
    n = next(_numbers)
    code = code or f"X{n:05d}"
    values = {
        "name": f"专家{n}",
        "employer_name": f"单位{n}",
        "employer_code": credit_code(),
        "title": "senior",
        "expert_type": "technical",
        "email": f"{code.lower()}@example.cn",
    }
    values.update(fields)
    expert = Expert.objects.create(code=code, user=user, **values)
    expert.industries.set(Industry.objects.filter(code__in=industries))
    return expert


def accepted_seats(*experts, when=None):
    """One completed review per expert (an accepted seat) responded to at ``when``."""
    return _answered_seats(experts, when, accept=True)


def declined_seats(*experts, when=None):
    """One review per expert, whose invitation the expert declined at ``when``."""
    return _answered_seats(experts, when, accept=False)


def _answered_seats(experts, when, *, accept):
    when = when or timezone.now()
    draw = Draw.objects.create(
        challenge=make_challenge(),
        algorithm="test",
        salt="00",
    )
    for rank, expert in enumerate(experts, start=1):
        seat = Seat(draw=draw, expert=expert, pseudonym=f"p{rank}", rank=rank)
        seat.invite(at=when, respond_by=when)
        if accept:
            seat.accept(at=when)
        else:
            seat.decline(at=when)
        seat.save()
    return draw
