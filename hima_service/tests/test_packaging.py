"""Packaging: requirements.txt is what runs the service and all the image installs; the tools
are in requirements-dev.txt; one gunicorn configuration for every server.

Docker cannot run on the machines the suite runs on (no engine), so the Dockerfile, the compose
file and .dockerignore are read here, not built.
"""

import ast
import importlib.metadata
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml
from django.conf import settings
from packaging.requirements import Requirement

from hima_service.settings import BASE_DIR

RUNTIME = BASE_DIR / "requirements.txt"
DEV = BASE_DIR / "requirements-dev.txt"
# Development and test tools: never in what the service runs.
TOOLS = {
    "pytest",
    "pytest-django",
    "factory-boy",
    "faker",
    "hypothesis",
    "schemathesis",
    "playwright",
    "polib",
    "ruff",
    "import-linter",
    "time-machine",
    "honcho",
    "mypy",
    "coverage",
}
# Folders and files that are not the running service.
NOT_RUNTIME = {"bench", "docs", "locale", "test-artifacts", "tests", "conftest.py"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lines(path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def pins(path) -> dict[str, str]:
    """Package → pinned version, of the requirement lines (not the `-r` includes)."""
    found = {}
    for line in lines(path):
        if line.startswith("-r "):
            continue
        name, version = line.split("==")
        found[normalized(name.split("[")[0])] = version
    return found


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", (BASE_DIR / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_every_requirement_is_pinned_to_one_version():
    for path in (RUNTIME, DEV):
        for line in lines(path):
            pinned = re.fullmatch(r"[A-Za-z0-9._\[\],-]+==[\w.+-]+", line)
            assert line.startswith("-r ") or pinned, f"{path.name}: {line!r} is not pinned"


def test_requirements_txt_holds_no_development_or_test_tool():
    tools = sorted(name for name in pins(RUNTIME) if name in TOOLS or name.startswith("pytest"))
    assert tools == []


def test_the_dev_file_includes_the_runtime_file_and_repeats_nothing_of_it():
    assert lines(DEV)[0] == "-r requirements.txt"
    assert sorted(set(pins(RUNTIME)) & set(pins(DEV))) == []
    assert {"pytest", "ruff", "playwright", "schemathesis", "factory-boy"} <= set(pins(DEV))


def test_the_environment_runs_exactly_the_pinned_versions():
    """`pip install -r requirements-dev.txt` in a made environment changes nothing."""
    wrong = {
        name: (version, importlib.metadata.version(name))
        for name, version in {**pins(RUNTIME), **pins(DEV)}.items()
        if importlib.metadata.version(name) != version
    }
    assert wrong == {}


def test_what_requirements_txt_installs_needs_nothing_from_outside_it():
    """Every dependency the runtime packages declare is in requirements.txt itself."""
    runtime = set(pins(RUNTIME))
    missing = set()
    for name in runtime:
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            # Extras nobody asked for and other platforms' needs are not installed.
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if normalized(requirement.name) not in runtime:
                missing.add(f"{name} needs {requirement.name}")
    assert sorted(missing) == []


def runtime_modules():
    for path in BASE_DIR.rglob("*.py"):
        parts = path.relative_to(BASE_DIR).parts
        if parts[0].startswith(".") or NOT_RUNTIME & set(parts) or path.name.startswith("test"):
            continue
        yield path


def _for_the_type_checker_only(tree: ast.Module) -> set[int]:
    """The nodes under `if TYPE_CHECKING:`: never imported when the service runs."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_CHECKING_TESTS:
            guarded |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return guarded


TYPE_CHECKING_TESTS = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def test_every_import_of_the_service_is_installed_by_requirements_txt():
    """What the service imports (every module but the tests, the benchmarks and the docs) comes
    from the standard library, the project itself or a package in requirements.txt."""
    runtime = set(pins(RUNTIME))
    first_party = {path.name for path in BASE_DIR.iterdir()} | {"manage"}
    distributions = importlib.metadata.packages_distributions()
    outside = set()
    for path in runtime_modules():
        tree = ast.parse(path.read_text())
        type_checking_only = _for_the_type_checker_only(tree)
        for node in ast.walk(tree):
            if id(node) in type_checking_only:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names}:
                if top in sys.stdlib_module_names or top in first_party or top == "__future__":
                    continue
                packages = {normalized(name) for name in distributions.get(top, [top])}
                if not packages & runtime:
                    outside.add(f"{path.relative_to(BASE_DIR)} imports {top}")
    assert sorted(outside) == []


def test_the_image_installs_only_requirements_txt():
    installs = [i for i in dockerfile_instructions() if "pip install" in i]
    assert installs
    for instruction in installs:
        files = {path.rsplit("/", 1)[-1] for path in re.findall(r"-r (\S+)", instruction)}
        assert files == {"requirements.txt"}, instruction
    assert not [i for i in dockerfile_instructions() if "requirements-dev" in i]


def test_the_image_is_built_in_stages_and_runs_as_a_user_without_privileges():
    instructions = dockerfile_instructions()
    stages = [i for i in instructions if i.startswith("FROM ")]
    assert len(stages) >= 2
    final = instructions[instructions.index(stages[-1]) :]
    users = [i.split()[1] for i in final if i.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_the_image_collects_static_files_with_the_production_settings():
    # manage.py defaults to DEBUG=1: the build must say DEBUG=0 to get the production storage.
    [collect] = [i for i in dockerfile_instructions() if "collectstatic" in i]
    assert re.search(r"\bDEBUG=0\b", collect)
    assert "DEBUG=1" not in collect
    assert "SECRET_KEY" in collect


def test_the_image_checks_its_health_and_serves_with_the_shared_gunicorn_configuration():
    instructions = dockerfile_instructions()
    [health] = [i for i in instructions if i.startswith("HEALTHCHECK")]
    assert "/healthz" in health
    [command] = [i for i in instructions if i.startswith("CMD ")]
    assert command == 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "hima_service.wsgi"]'


def test_the_procfile_serves_with_the_shared_gunicorn_configuration():
    procfile = dict(
        line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if line
    )
    assert procfile["web"] == ".venv/bin/gunicorn -c gunicorn.conf.py hima_service.wsgi"


def test_two_workers_one_for_the_audits_queue_alone_in_the_procfile_and_compose():
    procfile = dict(
        line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if line
    )
    services = compose()["services"]
    for name in ("worker", "audit"):
        assert procfile[name].removeprefix(".venv/bin/") == services[name]["command"], name
    worker, audit = shlex.split(procfile["worker"]), shlex.split(procfile["audit"])
    # The delivery worker consumes the default queue (CELERY_QUEUE) and no other ...
    assert "-Q" not in worker
    # ... and the audit's worker the audit's queue only, one task at a time.
    assert audit[audit.index("-Q") + 1] == settings.AUDIT_QUEUE
    assert audit[audit.index("--concurrency") + 1] == "1"
    # Two workers on one host need names of their own.
    assert worker[worker.index("-n") + 1] != audit[audit.index("-n") + 1]


def test_the_image_leaves_out_secrets_the_virtualenv_and_history():
    ignored = lines(BASE_DIR / ".dockerignore")
    assert {".env", ".venv", ".git", "production.env"} <= set(ignored)


def test_compose_migrates_once_before_the_services_start_and_seeds_only_on_request():
    services = compose()["services"]
    migrate = services["migrate"]
    assert "manage.py migrate" in migrate["command"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "audit", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "profiles" not in services[name]
        assert "seed_demo" not in str(services[name].get("command", ""))
    assert services["seed"]["profiles"] == ["demo"]
    assert "seed_demo" in services["seed"]["command"]


def test_compose_runs_the_production_settings_with_the_operators_secret():
    services = compose()["services"]
    for name in ("migrate", "seed", "web", "worker", "audit", "beat"):
        assert services[name]["environment"]["DEBUG"] == "0"
        assert "SECRET_KEY" not in services[name]["environment"]
        assert services[name]["env_file"] == "production.env"
    assert "production.env" in (BASE_DIR / ".gitignore").read_text().splitlines()


def gunicorn_config(**env: str) -> dict:
    names: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        for key in ("PORT", "WEB_HOST", "WEB_CONCURRENCY", "WEB_THREADS"):
            patch.delenv(key, raising=False)
        for key, value in env.items():
            patch.setenv(key, value)
        exec((BASE_DIR / "gunicorn.conf.py").read_text(), names)  # noqa: S102
    return names


def test_gunicorn_listens_on_port_and_takes_its_sizes_from_the_environment():
    assert gunicorn_config()["bind"] == "127.0.0.1:8000"
    every_address = "0.0.0.0"  # noqa: S104 - the container's bind address, under test
    config = gunicorn_config(
        PORT="8123", WEB_HOST=every_address, WEB_CONCURRENCY="3", WEB_THREADS="6"
    )
    assert config["bind"] == "0.0.0.0:8123"
    assert (config["workers"], config["threads"]) == (3, 6)
    assert config["accesslog"] == "-"


def test_make_run_installs_no_browser_and_make_test_does():
    def planned(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
        ).stdout

    assert "chromium" not in planned("run")
    assert "chromium" not in planned("install")
    assert "chromium" in planned("test")
    stamp_rule = re.search(r"^\$\(STAMP\): (.*)$", (BASE_DIR / "Makefile").read_text(), re.M)
    assert stamp_rule.group(1).split() == ["requirements.txt", "requirements-dev.txt"]


def production(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "hima_service.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_serves_hashed_compressed_static_files_and_development_plain_ones():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = production(code, SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    result = production(code, DEBUG="1")
    assert result.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.slow
def test_collectstatic_with_the_production_settings_writes_a_manifest_and_compressed_files(
    tmp_path,
):
    code = (
        "import django; from django.conf import settings; "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = production(code, SECRET_KEY="s" * 50)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.rglob("web/css/site.*.css.gz"))


@pytest.mark.parametrize("script", ["bench/availability.py", "bench/audit.py", "bench/http.py"])
def test_the_benchmarks_start_without_any_setting_given(script):
    """A bench script run as its docstring says loads the settings (development defaults) and
    gets as far as the database: here an unreachable one, refused in one line."""
    unreachable = "postgres://postgres@127.0.0.1:1/hima"
    result = subprocess.run(
        [sys.executable, script],
        cwd=BASE_DIR,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
            },
            "BENCH_DATABASE_URL": unreachable,
            "BENCH_HTTP_DATABASE_URL": unreachable,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "SECRET_KEY" not in result.stderr
    assert "PostgreSQL is not reachable" in result.stderr
