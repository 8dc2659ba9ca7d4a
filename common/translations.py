from django.conf import settings


def untranslated_entries(locale: str) -> list[str]:
    """msgids of the catalogue that have no translation or are marked fuzzy."""
    import polib  # dev dependency: only the checks need it

    po = polib.pofile(str(settings.BASE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and ("fuzzy" in e.flags or not e.translated())]
    return missing
