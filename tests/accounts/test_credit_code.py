import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.credit_code import ALPHABET, CATEGORIES, check_character, validate_credit_code

VALID = [
    "91350100M000100Y43",  # widely published example
    "91320400MA1N2X3Y4" + check_character("91320400MA1N2X3Y4"),
    "12320000466008432" + check_character("12320000466008432"),
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)


def test_lowercase_and_spaces_are_normalised():
    validate_credit_code("  91350100m000100y43 ")


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M00010OY43", "character"),  # letter O
        ("91350100M0001I0Y43", "character"),  # letter I
        ("9135010-M000100Y43", "character"),
        ("B1350100M000100Y43", "authority"),
        ("97350100M000100Y43", "category"),  # 工商 issues only 1, 2, 3
        ("91A50100M000100Y43", "division"),
        ("91350100M000100Y44", "check"),
    ],
)
def test_invalid_codes_name_what_is_wrong(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error_code


def test_check_error_names_expected_character():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert "“3”" in exc.value.messages[0]


prefixes = st.builds(
    lambda auth, cat_index, division, body: (
        auth + CATEGORIES[auth][cat_index % len(CATEGORIES[auth])] + division + body
    ),
    st.sampled_from(sorted(CATEGORIES)),
    st.integers(min_value=0, max_value=10),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


@given(prefixes)
def test_computed_check_character_always_validates(prefix):
    validate_credit_code(prefix + check_character(prefix))


@given(prefixes, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_rejected(prefix, wrong):
    if wrong == check_character(prefix):
        wrong = ALPHABET[(ALPHABET.index(wrong) + 1) % len(ALPHABET)]
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(prefix + wrong)
    assert exc.value.code == "check"


@given(prefixes, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_single_substitution_is_always_detected(prefix, position, replacement):
    """The check character catches every single-character typo (31 is prime)."""
    code = prefix + check_character(prefix)
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    assert check_character(typo[:17]) != typo[17]
