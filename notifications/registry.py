"""Notification kinds: each app registers its texts (lazy translations) once.

Params are interpolated with %-style named placeholders, so translators see
whole sentences.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    title: str
    body: str
    # param → {code: lazy label}: params that are codes, shown in the reader's language.
    labels: dict | None = None
    # Mandatory kinds (security alerts) are always e-mailed at once and cannot be muted.
    mandatory: bool = False


_KINDS: dict[str, Kind] = {}


def register(kind: str, *, title, body, labels=None, mandatory=False) -> None:
    """``labels``: for params given as codes (a status, an outcome), the choices that
    name them — so each reader sees the label in their own language, not the actor's."""
    _KINDS[kind] = Kind(title=title, body=body, labels=labels, mandatory=mandatory)


def kinds() -> list[tuple[str, str]]:
    """(kind, a label for the preferences page: its title with the blanks shown as …)."""
    import re

    return sorted(
        (kind, re.sub(r"%\(\w+\)s", "…", str(spec.title)))
        for kind, spec in _KINDS.items()
        if kind != "system.message" and not spec.mandatory
    )


def is_mandatory(kind: str) -> bool:
    spec = _KINDS.get(kind)
    return spec is not None and spec.mandatory


def is_registered(kind: str) -> bool:
    return kind in _KINDS


def render(kind: str, params: dict) -> tuple[str, str]:
    spec = _KINDS.get(kind)
    if spec is None:
        return str(kind), ""
    if spec.labels:
        params = {
            key: str(dict(spec.labels[key]).get(value, value)) if key in spec.labels else value
            for key, value in params.items()
        }
    try:
        return str(spec.title) % params, str(spec.body) % params
    except (KeyError, TypeError, ValueError):
        return str(spec.title), str(spec.body)


register(
    "system.message",
    title=_("Message from the platform"),
    body=_("%(text)s"),
)
