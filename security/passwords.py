"""Password policy beyond Django's validators: three kinds of character (等保 2.0)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _classes(password: str) -> int:
    kinds = set()
    for ch in password:
        if ch.isdigit():
            kinds.add("digit")
        elif ch.isupper():
            kinds.add("upper")
        elif ch.islower():
            kinds.add("lower")
        elif unicodedata.category(ch).startswith("L"):
            kinds.add("letter")  # a letter of a script without case (汉字)
        else:
            kinds.add("symbol")
    return len(kinds)


class CharacterClassValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(n)d kinds of character: lower-case letters, "
            "capitals, digits, symbols (or Chinese characters)."
        ) % {"n": self.min_classes}
