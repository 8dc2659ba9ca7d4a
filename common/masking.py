"""Masks for a person's phone number and e-mail address in lists (PIPL: show personal data
only where it is needed). Pure functions; the ``masking`` template library wraps them.

A masked value is masked again unchanged, so masking twice (a view and then a template, an
export of a list already masked) never reveals more and never changes the text.
"""

import re

STARS = "****"

_PREFIX_86 = re.compile(r"^(?:\+\s*86|0086)[\s\-.]*")
_SEPARATORS = re.compile(r"[\s\-.()（）]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_86 = re.compile(r"861[3-9][0-9]{9}")
# A landline with its area code: 0 + 2 digits (010, 020–029) or 0 + 3 digits (0519),
# then the local number and maybe an extension.
_LANDLINE = re.compile(r"0[1-9][0-9]{8,14}")
# The same after +86, which drops the area code's 0.
_LANDLINE_86 = re.compile(r"[1-9][0-9]{8,14}")
# What the masks below produce: revealing no more than they do.
_MASKED_PHONE = re.compile(
    r"(?:\+86 )?(?:1[0-9]{2}\*{4}[0-9]{4}|0?[0-9]{2,3}-\*{4}[0-9]{4}|\*{4}[\s\S]{0,4})"
)


def _area_code_length(digits: str) -> int:
    """Length of the area code at the start of ``digits`` (which starts with its 0)."""
    # Beijing 010 and the large cities 020–029 have two digits after the 0; the rest three.
    return 3 if digits[1] in "12" else 4


def _mask_rest(text: str) -> str:
    # At most the last 4 characters, and never more than half of the value.
    keep = min(4, len(text) // 2)
    return STARS + (text[-keep:] if keep else "")


def mask_phone(value) -> str:
    """A phone number with its middle hidden: ``13812341234`` → ``138****1234``,
    ``0519-86001234`` → ``0519-****1234``, ``+86 13812341234`` → ``+86 138****1234``.

    Anything else keeps at most its last 4 characters behind ``****``. Empty stays empty.
    """
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if _MASKED_PHONE.fullmatch(text):
        return text
    prefix = ""
    match = _PREFIX_86.match(text)
    if match:
        prefix, text = "+86 ", text[match.end() :]
    digits = _SEPARATORS.sub("", text)
    if not prefix and _MOBILE_86.fullmatch(digits):
        prefix, digits = "+86 ", digits[2:]
    if _MOBILE.fullmatch(digits):
        return f"{prefix}{digits[:3]}{STARS}{digits[-4:]}"
    if _LANDLINE.fullmatch(digits):
        area = digits[: _area_code_length(digits)]
        return f"{prefix}{area}-{STARS}{digits[-4:]}"
    if prefix and _LANDLINE_86.fullmatch(digits):
        area = digits[: _area_code_length("0" + digits) - 1]
        return f"{prefix}{area}-{STARS}{digits[-4:]}"
    return prefix + _mask_rest(text)


def mask_email(value) -> str:
    """An e-mail address with its local part hidden but for the first character:
    ``zhang.san@example.cn`` → ``z***@example.cn``. The domain is kept. Empty stays empty."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at:
        local, domain = text, ""
    first = local[:1] if local[:1] not in ("", "*") else ""
    return f"{first}***{at}{domain}"
