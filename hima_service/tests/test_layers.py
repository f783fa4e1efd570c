"""The import layers (pyproject's [tool.importlinter]) hold, and a broken one is caught."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hima_service.settings import BASE_DIR

# Beside the Python that runs the tests, wherever its virtualenv is: import-linter is one of the
# development requirements, so a missing one is a broken install, not a reason to skip.
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = [
    "hima_service",
    "accounts",
    "vehicles",
    "outlets",
    "pricing",
    "recalls",
    "crews",
    "bookings",
    "workshop",
    "estimates",
    "privacy",
    "audit",
    "web",
    "demo",
]


def _lint(root: Path) -> subprocess.CompletedProcess:
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} is missing: install the development requirements"
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(Path(BASE_DIR) / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            Path(BASE_DIR) / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


def test_the_layers_hold():
    result = _lint(Path(BASE_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("outlets/selectors.py", "import bookings.models", "Apps import downwards only"),
        ("bookings/notify/render.py", "import bookings.lifecycle.status", "Inside bookings"),
        ("bookings/reservation.py", "import bookings.lifecycle.create", "Inside bookings"),
        ("hima_service/api.py", "import demo.seed", "Apps import downwards only"),
        ("recalls/services.py", "import bookings.tasks", "Apps import downwards only"),
        ("vehicles/views.py", "import recalls.selectors", "Apps import downwards only"),
    ],
)
def test_an_upward_import_breaks_a_contract(tmp_path, module, bad_import, contract):
    root = _copy_project(tmp_path)
    with open(root / module, "a") as source:
        source.write(f"\n{bad_import}  # noqa\n")
    result = _lint(root)
    assert result.returncode == 1, result.stdout
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout
