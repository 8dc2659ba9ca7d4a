"""The columns of an expert-pool file (DOMAIN §4): their header names, the terms of
title, type and status, the look-ups the import reads them with, and the terms and
column help an export and the import page write.

The file has one header row and then one expert per row. Header names are accepted
in English or Chinese, in any case, with or without spaces, in any column order
(``COLUMNS`` lists them; the import page shows them). Optional columns may be left
out: an existing expert then keeps that value, a new one gets the default.

| column | headers (any of) | required | values |
|---|---|---|---|
| expert id | Expert ID, 专家编号, 编号, code | yes | letters, digits, - _ . ; ≤ 20 |
| name | Name, 姓名 | yes | ≤ 100 characters |
| industries | Industries, 行业, 行业代码 | yes | industry codes (or names) separated by ; ， 、 or , |
| keywords | Keywords, 关键词, 研究方向 | no | ≤ 300 characters |
| employer | Employer, 工作单位, 单位 | yes | ≤ 200 characters |
| employer credit code | Employer credit code, 单位统一社会信用代码, 统一社会信用代码 | yes | GB 32100-2015, check character verified |
| title | Title, 职称 | yes | 正高 / 副高 / 中级 or senior / associate / intermediate |
| type | Type, 专家类型, 类型 | yes | 技术 / 财务 / 管理 or technical / financial / management |
| phone | Phone, 电话, 手机 | no | ≤ 30 characters |
| email | Email, 电子邮箱, 邮箱 | no | an email address, unique in the file |
| status | Status, 状态 | no | 在库 / 暂停 / 退出 or active / suspended / withdrawn; default active |

Exports write the same columns with headers and terms in the user's language,
so an exported file imports back unchanged.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from review.models import Expert, ExpertStatus, ExpertTitle, ExpertType

# A cell starting with one of these would run as a formula in a spreadsheet: the CSV
# export quotes it with "'", and the reader removes that quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy English msgid: the export header in the user's language
    aliases: tuple[str, ...]  # further accepted header names
    required: bool
    width: int
    max_length: int | None = None
    help: object = ""


COLUMNS = (
    Column(
        "code",
        gettext_lazy("Expert ID"),
        ("expert id", "id", "code", "专家编号", "专家代码", "编号", "专家id"),
        True,
        14,
        20,
        gettext_lazy("Stable id used by draws: letters, digits, “-”, “_” or “.”, at most 20."),
    ),
    Column(
        "name",
        gettext_lazy("Name"),
        ("name", "姓名", "专家姓名"),
        True,
        12,
        100,
    ),
    Column(
        "industries",
        gettext_lazy("Industries"),
        ("industries", "industry", "industry codes", "行业", "所属行业", "行业代码", "行业领域"),
        True,
        28,
        None,
        gettext_lazy("Industry codes (or names), separated by “;”, “，” or “、”."),
    ),
    Column(
        "keywords",
        gettext_lazy("Keywords"),
        ("keywords", "sub-field keywords", "关键词", "专业关键词", "研究方向", "专业方向"),
        False,
        28,
        300,
    ),
    Column(
        "employer_name",
        gettext_lazy("Employer"),
        ("employer", "employer name", "工作单位", "单位", "所在单位", "单位名称"),
        True,
        28,
        200,
    ),
    Column(
        "employer_code",
        gettext_lazy("Employer credit code"),
        (
            "employer credit code",
            "employer's credit code",
            "credit code",
            "单位统一社会信用代码",
            "工作单位统一社会信用代码",
            "统一社会信用代码",
            "信用代码",
        ),
        True,
        22,
        18,
        gettext_lazy("Unified social credit code (18 characters) of the employer."),
    ),
    Column(
        "title",
        pgettext_lazy("academic or job title", "Title"),
        ("title", "职称", "专业技术职称"),
        True,
        10,
        None,
        gettext_lazy("正高, 副高 or 中级 (senior, associate or intermediate)."),
    ),
    Column(
        "expert_type",
        gettext_lazy("Type"),
        ("type", "expert type", "专家类型", "类型", "类别", "专家类别"),
        True,
        10,
        None,
        gettext_lazy("技术, 财务 or 管理 (technical, financial or management)."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        ("phone", "mobile", "telephone", "电话", "手机", "联系电话", "手机号码"),
        False,
        16,
        30,
    ),
    Column(
        "email",
        gettext_lazy("Email"),
        ("email", "e-mail", "电子邮箱", "邮箱", "电子邮件"),
        False,
        26,
        254,
        gettext_lazy("Used to link the expert's account; each address once per file."),
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        ("status", "状态", "在库状态"),
        False,
        10,
        None,
        gettext_lazy("在库, 暂停 or 退出 (active, suspended or withdrawn); empty means active."),
    ),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
# Model fields a row sets (the industries go through the M2M table).
SCALAR_KEYS = tuple(c.key for c in COLUMNS if c.key not in ("code", "industries"))

# value → (the Chinese term written in Chinese exports, other accepted spellings)
TITLE_TERMS = {
    ExpertTitle.SENIOR: ("正高", ("正高级", "正高职称", "full senior")),
    ExpertTitle.ASSOCIATE: ("副高", ("副高级", "副高职称", "associate senior")),
    ExpertTitle.INTERMEDIATE: ("中级", ("中级职称",)),
}
TYPE_TERMS = {
    ExpertType.TECHNICAL: ("技术", ("技术专家", "技术类")),
    ExpertType.FINANCIAL: ("财务", ("财务专家", "财务类", "finance")),
    ExpertType.MANAGEMENT: ("管理", ("管理专家", "管理类")),
}
STATUS_TERMS = {
    ExpertStatus.ACTIVE: ("在库", ("正常", "有效")),
    ExpertStatus.SUSPENDED: ("暂停", ("暂停使用",)),
    ExpertStatus.WITHDRAWN: ("退出", ("已退出", "出库")),
}
TERMS = {"title": TITLE_TERMS, "expert_type": TYPE_TERMS, "status": STATUS_TERMS}


def _key(text) -> str:
    """Header and term comparison: case, spaces and a required-marker "*" don't matter."""
    return re.sub(r"[\s*＊:：]+", "", str(text)).casefold()


def _in_every_language(lazy_text) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(lazy_text))
    return names


def header_lookup() -> dict[str, str]:
    """Accepted header name (normalised) → column key."""
    lookup = {}
    for column in COLUMNS:
        for name in (*column.aliases, column.key, *_in_every_language(column.label)):
            lookup[_key(name)] = column.key
    return lookup


def term_lookup(key) -> dict[str, str]:
    """Accepted spelling (normalised) → stored value, for title, type or status."""
    terms = TERMS[key]
    choices = Expert._meta.get_field(key).choices
    lookup = {}
    for value, label in choices:
        zh, others = terms[value]
        for spelling in (value, zh, *others, *_in_every_language(label)):
            lookup[_key(spelling)] = value
    return lookup


def export_term(key, value) -> str:
    """The term an export writes: Chinese in Chinese, the stored value otherwise."""
    if (translation.get_language() or "").startswith("zh"):
        return TERMS[key].get(value, (value,))[0]
    return value


def _term_choices(key) -> str:
    terms = TERMS[key]
    return ", ".join([zh for zh, _others in terms.values()] + [str(v) for v in terms])


def columns_help() -> list[dict]:
    """The column table for the import page, in the user's language."""
    return [
        {
            "label": str(c.label),
            "aliases": [a for a in c.aliases if not a.isascii()][:3],
            "required": c.required,
            "help": str(c.help),
        }
        for c in COLUMNS
    ]
