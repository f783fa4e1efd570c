"""The message catalogs are complete: nothing for makemessages to add, nothing untranslated."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _msgids(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def test_makemessages_would_add_no_msgid(tmp_path, monkeypatch):
    # makemessages writes next to the sources it scans, so it runs on a copy of them.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "locale", "staticfiles", "test-artifacts", "__pycache__", "*.mo", "docs"
        ),
    )
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(source / "locale")]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_location=True)
    output = source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert output.exists()
    fresh = _msgids(polib.pofile(str(output)))
    committed = _msgids(polib.pofile(str(CATALOG)))
    assert fresh - committed == set(), "run `manage.py makemessages -l zh_Hans` and translate"
    assert committed - fresh == set(), "the catalog has msgids no source uses any more"


def test_every_zh_hans_msgid_is_translated():
    po = polib.pofile(str(CATALOG))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")
