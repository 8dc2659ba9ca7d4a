"""Validation of OCDS output against the shipped OCDS 1.1 schemas (``schema/``; see its
README for their source). No network: the release package schema's ``$ref`` to the release
schema's URL is resolved from the local file."""

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
RELEASE_SCHEMA = SCHEMA_DIR / "release-schema.json"
PACKAGE_SCHEMA = SCHEMA_DIR / "release-package-schema.json"

# RFC 3339 date-time, as OCDS requires (jsonschema checks "date-time" only when an optional
# package is installed: the check is made here so that it always runs).
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def is_date_time(value):
        return not isinstance(value, str) or bool(_DATE_TIME.match(value))

    @checker.checks("uri")
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value

    return checker


def _load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validators():
    release = _load(RELEASE_SCHEMA)
    package = _load(PACKAGE_SCHEMA)
    registry = Registry().with_resources(
        [
            (release["id"], Resource.from_contents(release, default_specification=DRAFT4)),
            (package["id"], Resource.from_contents(package, default_specification=DRAFT4)),
        ]
    )
    checker = _format_checker()
    return (
        Draft4Validator(package, registry=registry, format_checker=checker),
        Draft4Validator(release, registry=registry, format_checker=checker),
    )


def _messages(validator, instance) -> list[str]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors]


def package_errors(data) -> list[str]:
    """What is wrong with a release package (empty: it validates)."""
    return _messages(_validators()[0], data)


def release_errors(data) -> list[str]:
    """What is wrong with one release (empty: it validates)."""
    return _messages(_validators()[1], data)


def package_schema_ref() -> str:
    """The URL the package schema uses for the release schema (resolved locally)."""
    return _load(PACKAGE_SCHEMA)["properties"]["releases"]["items"]["$ref"]
