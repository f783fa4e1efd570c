"""Celery beat keeps its schedule file in the checkout's own working folder, never in a path
that every checkout on the machine shares (two checkouts' beats would share one schedule)."""

import re
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def schedule_paths(text: str) -> list[str]:
    return re.findall(r"beat .*--schedule (\S+?)\"?$", text, flags=re.MULTILINE)


def test_procfile_and_compose_keep_the_schedule_under_the_project():
    procfile = schedule_paths((BASE_DIR / "Procfile").read_text())
    compose = schedule_paths((BASE_DIR / "docker-compose.yml").read_text())
    assert procfile == [".run/celerybeat-schedule"]
    assert compose == [".run/celerybeat-schedule"]
    assert "/.run/" in (BASE_DIR / ".gitignore").read_text().splitlines()
    assert "@mkdir -p .run" in (BASE_DIR / "Makefile").read_text()
