"""The message catalogs are complete: nothing for makemessages to add, nothing untranslated; and
the data the pages show carries its Chinese: the standard service catalog, the demo's outlets
and bays."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from demo.network import seed_outlets
from outlets.models import Amenity, Bay, Closure, Outlet, ServiceType

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


def _missing_chinese() -> list[str]:
    """What a Chinese page would show in English: each service type, outlet and bay field
    shown on a page whose Chinese is missing."""
    missing = []
    for service in ServiceType.objects.filter(is_active=True):
        if not service.name_zh:
            missing.append(f"service {service.code}: name_zh")
        if len(service.checklist_zh) != len(service.checklist) or not all(service.checklist_zh):
            missing.append(f"service {service.code}: checklist_zh")
    for outlet in Outlet.objects.filter(is_active=True):
        for field in ["name", "address", "city", "province"]:
            if getattr(outlet, field) and not getattr(outlet, f"{field}_zh"):
                missing.append(f"outlet {outlet.code}: {field}_zh")
    for bay in Bay.objects.filter(is_active=True).select_related("outlet"):
        if not bay.name_zh:
            missing.append(f"bay {bay}: name_zh")
    for closure in Closure.objects.select_related("outlet"):
        if closure.reason and not closure.reason_zh:
            missing.append(f"closure {closure}: reason_zh")
    with translation.override("zh-hans"):
        missing += [f"amenity {a.value}" for a in Amenity if str(a.label) == a.value]
    return missing


@pytest.mark.django_db
def test_the_demo_shows_no_data_without_its_chinese():
    seed_outlets()  # the demo network's outlets and bays (the catalog comes with migrations)
    assert Outlet.objects.exists()
    assert Bay.objects.exists()
    assert _missing_chinese() == []


@pytest.mark.django_db
def test_the_check_finds_what_lacks_its_chinese():
    seed_outlets()
    ServiceType.objects.filter(code="mnt-annual").update(checklist_zh=["只有一项"])
    Outlet.objects.filter(code="SZ-NANSHAN-01").update(city_zh="")
    Bay.objects.filter(outlet__code="SZ-NANSHAN-01", name="Bay 1").update(name_zh="")
    closure = Closure.objects.get(reason="National Day")
    Closure.objects.filter(pk=closure.pk).update(reason_zh="")
    assert _missing_chinese() == [
        "service mnt-annual: checklist_zh",
        "outlet SZ-NANSHAN-01: city_zh",
        "bay SZ-NANSHAN-01/Bay 1: name_zh",
        f"closure {closure}: reason_zh",
    ]
