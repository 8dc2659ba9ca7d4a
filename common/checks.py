"""System checks for settings the common helpers read."""

import hashlib

from django.conf import settings
from django.core.checks import Error, register

from .hashing import HASH_ALGORITHMS


@register()
def hash_algorithm_check(app_configs, **kwargs):
    algorithm = getattr(settings, "HASH_ALGORITHM", "sha256")
    if algorithm not in HASH_ALGORITHMS:
        return [
            Error(
                f"HASH_ALGORITHM must be one of {', '.join(HASH_ALGORITHMS)}, not {algorithm!r}.",
                id="common.E001",
            )
        ]
    try:
        hashlib.new(algorithm)
    except ValueError:
        return [
            Error(
                f"HASH_ALGORITHM is {algorithm!r} but this Python's OpenSSL does not provide it.",
                id="common.E002",
            )
        ]
    return []
