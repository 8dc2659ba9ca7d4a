"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters: registration authority (1), organisation category (1),
administrative division (6 digits), organisation code (9), check character (1).
The alphabet is the digits and 21 capital letters (no I, O, S, V, Z).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority → organisation categories it may issue (GB 32100-2015 appendix A).
CATEGORIES = {
    "1": "1239",  # 机构编制
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "12",  # 旅游
    "7": "1239",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    remainder = 31 - total % 31
    return ALPHABET[0 if remainder == 31 else remainder]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Raise ValidationError naming exactly what is wrong with the code."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed: use digits and "
                    "capital letters except I, O, S, V and Z."
                ),
                code="character",
                params={"position": position, "char": ch},
            )
    authority, category = code[0], code[1]
    if authority not in CATEGORIES:
        raise ValidationError(
            _("The first character (“%(char)s”) is not a known registration authority code."),
            code="authority",
            params={"char": authority},
        )
    if category not in CATEGORIES[authority]:
        raise ValidationError(
            _(
                "The second character (“%(char)s”) is not a valid organisation category "
                "for registration authority “%(authority)s”."
            ),
            code="category",
            params={"char": category, "authority": authority},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3–8 must be the 6-digit administrative division code."),
            code="division",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (the 18th) is “%(given)s” but should be “%(expected)s”: "
                "a character was probably mistyped."
            ),
            code="check",
            params={"given": code[17], "expected": expected},
        )


def make_credit_code(prefix17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests)."""
    return prefix17 + check_character(prefix17)
