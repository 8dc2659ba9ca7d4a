"""Masks of a person's phone and e-mail in lists: examples, the template filters, and
properties over random values (the middle of a mobile never shows; masking twice changes
nothing)."""

import re

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from common.masking import mask_email, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("  13812341234  ", "138****1234"),
        (13812341234, "138****1234"),
        ("+86 13812341234", "+86 138****1234"),
        ("+8613812341234", "+86 138****1234"),
        ("+86-138-1234-1234", "+86 138****1234"),
        ("008613812341234", "+86 138****1234"),
        ("8613812341234", "+86 138****1234"),
        ("0519-86001234", "0519-****1234"),
        ("0519 86001234", "0519-****1234"),
        ("051986001234", "0519-****1234"),
        ("(0519)86001234", "0519-****1234"),
        ("010-12345678", "010-****5678"),
        ("02161234567", "021-****4567"),
        ("+86 519 86001234", "+86 519-****1234"),
        ("+86 10 12345678", "+86 10-****5678"),
        ("12345", "****45"),
        ("110", "****0"),
        ("7", "****"),
        ("+85212345678", "****5678"),
        ("ask the switchboard", "****oard"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhang.san@example.cn", "z***@example.cn"),
        ("Li@JSTD.gov.cn", "L***@JSTD.gov.cn"),
        ("a@example.cn", "a***@example.cn"),
        ("@example.cn", "***@example.cn"),
        ("not-an-address", "n***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_email(value, expected):
    assert mask_email(value) == expected


@pytest.mark.parametrize(
    "masked", ["138****1234", "0519-****1234", "+86 138****1234", "****45", "****"]
)
def test_a_masked_phone_is_left_as_it_is(masked):
    assert mask_phone(masked) == masked


def test_template_filters_mask_and_escape():
    template = Template(
        "{% load masking %}{{ phone|mask_phone }} {{ email|mask_email }} "
        "{{ none|mask_phone|default:'—' }} {{ odd|mask_phone }}"
    )
    html = template.render(
        Context(
            {
                "phone": "13812341234",
                "email": "zhang.san@example.cn",
                "none": None,
                "odd": "<b>x</b>",
            }
        )
    )
    assert html == "138****1234 z***@example.cn — ****&lt;/b&gt;"


# --- Properties ------------------------------------------------------------------------------

mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
separators = st.sampled_from(["", " ", "-"])


@st.composite
def written_mobiles(draw):
    """A mobile number as people write it: grouped 3-4-4 or not, maybe with +86."""
    digits = draw(mobiles)
    sep = draw(separators)
    prefix = draw(st.sampled_from(["", "+86 ", "+86", "0086 ", "86"]))
    return digits, f"{prefix}{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}"


@given(written_mobiles())
def test_a_masked_mobile_never_shows_its_middle_digits(written):
    digits, text = written
    masked = mask_phone(text)
    shown = re.sub(r"^\+86 ", "", masked)
    assert shown == f"{digits[:3]}****{digits[7:]}"
    # The only digits shown are the first 3 and the last 4: the middle 4 are gone (they may
    # equal the last 4 by chance, so compare the digits, not substrings).
    assert re.sub(r"[^0-9]", "", shown) == digits[:3] + digits[7:]
    assert digits not in masked


@given(st.text(max_size=40))
def test_masking_a_phone_twice_changes_nothing(value):
    once = mask_phone(value)
    assert mask_phone(once) == once


@given(st.text(max_size=40))
def test_a_masked_phone_shows_at_most_eight_characters(value):
    masked = mask_phone(value)
    if value.strip():
        assert "****" in masked
        # Area code (up to 4) and the last 4: nothing more of the value is shown.
        assert len(re.sub(r"^\+86 ", "", masked).replace("*", "").replace("-", "")) <= 8
    else:
        assert masked == ""


@given(st.emails())
def test_a_masked_email_keeps_the_domain_and_one_character(email):
    masked = mask_email(email)
    local, _at, domain = email.rpartition("@")
    assert masked == f"{local[0] if local[0] != '*' else ''}***@{domain}"
    assert mask_email(masked) == masked


@given(st.text(max_size=40))
def test_masking_an_email_twice_changes_nothing(value):
    once = mask_email(value)
    assert mask_email(once) == once
