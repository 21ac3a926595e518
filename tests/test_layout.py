"""The shape of the house (README, "Layout"): every app is laid out the same way, an app reaches
into another only through that app's public modules, and no module grows past what a person
reads in one sitting. The layers and the absence of cycles are import-linter's contracts
(``.importlinter``, run by ``make lint``); these are the rules it cannot say."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "wuye"

# The chapter apps of the manual: each is a process family with the same shape.
CHAPTER_APPS = (
    "handover",
    "residents",
    "repairs",
    "complaints",
    "billing",
    "facilities",
    "security",
    "environment",
    "emergency",
    "quality",
)
# What one chapter app may import of another: its data and its public functions.
CHAPTER_PUBLIC = {"models", "choices", "processes", "services", "selectors"}
# The layers under the chapter apps also lend their building blocks to every app's pages and API.
INFRASTRUCTURE_PUBLIC = {
    "core": CHAPTER_PUBLIC
    | {"exceptions", "scoping", "validators", "forms", "filters", "shortcuts", "templatetags",
       "middleware", "lockout"},
    "workflow": CHAPTER_PUBLIC
    | {"engine", "calendar", "attachments", "schedules", "admin", "api"},
    "notify": CHAPTER_PUBLIC | {"notices"},
    # Field work (checklists, planned work, rounds, shifts, certificates, device intake) under
    # the chapters that share it.
    "fieldwork": CHAPTER_PUBLIC | {"api", "forms", "filters", "templatetags"},
}  # fmt: skip

# An app's top level: these names and nothing else (README, "Layout").
SHAPE = {
    "__init__.py", "apps.py", "models.py", "models", "choices.py", "processes.py",
    "services.py", "services", "selectors.py", "selectors", "api.py", "api", "views",
    "forms.py", "forms", "filters.py", "urls.py", "documents", "templates", "static",
    "templatetags", "admin.py", "demo.py", "checks.py", "migrations", "management",
    "__pycache__",
}  # fmt: skip
# The engine and the core have a few named modules of their own, each one topic.
INFRASTRUCTURE_MODULES = {
    "core": {"exceptions.py", "scoping.py", "validators.py", "shortcuts.py", "middleware.py",
             "lockout.py", "idempotency.py", "roster"},
    "workflow": {"engine.py", "calendar.py", "holiday_notice.py", "attachments.py",
                 "schedules.py"},
    "notify": {"channels.py", "notices.py", "templates.py"},
}  # fmt: skip

# ~600 lines is one sitting. A module that must be longer for a while is listed here with its
# length as a ceiling that only comes down; none is today.
MAX_LINES = 650
LONGER_FOR_NOW: dict[str, int] = {}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("wuye")


def _app_and_part(module: str) -> tuple[str, str] | None:
    parts = module.split(".")
    return (parts[1], parts[2]) if len(parts) >= 3 else None


def test_an_app_imports_another_only_through_its_public_modules(graph):
    public = {app: CHAPTER_PUBLIC for app in CHAPTER_APPS} | INFRASTRUCTURE_PUBLIC
    wrong = []
    for importer in graph.modules:
        source = _app_and_part(importer)
        if source is None or source[0] not in public:
            continue  # the shell (web, urls, api) wires every app's pages and routers
        for imported in graph.find_modules_directly_imported_by(importer):
            target = _app_and_part(imported)
            if target is None or target[0] == source[0] or target[0] not in public:
                continue
            if target[1] not in public[target[0]]:
                wrong.append(f"{importer} -> {imported}")
    assert not wrong, "imports of another app's private modules:\n" + "\n".join(sorted(wrong))


def test_no_app_imports_a_private_name_of_another():
    wrong = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            target = node.module.split(".")
            if target[0] != "wuye" or len(target) < 2 or target[1] == parts[0]:
                continue
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private:
                wrong.append(f"{'/'.join(parts)}:{node.lineno} {node.module} {private}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", [*CHAPTER_APPS, *INFRASTRUCTURE_PUBLIC])
def test_every_app_has_the_same_shape(app):
    allowed = SHAPE | INFRASTRUCTURE_MODULES.get(app, set())
    extra = sorted(p.name for p in (SRC / app).iterdir() if p.name not in allowed)
    assert not extra, f"{app}/ has {extra}: see the README's layout for where each belongs"
    # Pages are a package of modules, one per audience or topic.
    assert not (SRC / app / "views.py").exists()


def test_no_module_grows_past_one_sitting():
    too_long = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(SRC).as_posix()
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        ceiling = LONGER_FOR_NOW.get(name, MAX_LINES)
        if lines > ceiling:
            too_long.append(f"{name}: {lines} lines (at most {ceiling})")
    assert not too_long, "split these by topic:\n" + "\n".join(too_long)
