"""The shape of the code, read from its imports: data flows one way, and the one write path
stays the only one.

Packages are layered; a module imports only from its own package or a lower one. Route modules
(`routes.py`, `*_routes.py`, `stream.py`) sit above every package's services and may use any of
them, but no service imports a route module or the request dependencies. Nobody imports another
module's private names."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
# Lowest first. A package may import from any package before it in this list.
LAYERS = [
    ("clock",),
    ("models", "catalogue"),
    ("core",),
    ("live",),
    ("access",),
    ("identity",),
    ("notices",),
    ("deps",),
    ("board",),
    ("conversation",),
    ("plan",),
    ("interventions",),
    ("caseload",),
    ("network",),
    ("privacy",),
    ("admin",),
    ("reminders", "calendar"),
    ("site", "demo"),
    ("main", "__main__"),
]
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


def _modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if p.name != "__init__.py" or p.parent != APP)


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def _is_route(module: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    return (
        leaf in ("routes", "stream") or leaf.endswith("_routes") or _package(module) in ("main", "__main__")
    )


def _name(path: Path) -> str:
    relative = path.relative_to(APP.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "app":
            if node.module == "app":
                found += [(f"app.{alias.name}", []) for alias in node.names]
            else:
                found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name.split(".")[0] == "app"]
    return found


MODULES = {_name(path): path for path in _modules()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_own_layer_or_below(module: str) -> None:
    here = _package(module)
    assert here in RANK, f"{module}: package {here!r} has no place in LAYERS"
    wrong = []
    for imported, _names in _imports(MODULES[module]):
        there = _package(imported)
        if there == here:
            continue
        # `from app.plan import challenge_routes` names a module, not a package's service.
        target = imported if imported in MODULES else imported.rsplit(".", 1)[0]
        if _is_route(module):
            if _is_route(target) and there not in ("main",):
                wrong.append(f"{imported} (a route module of another package)")
            continue
        if RANK[there] > RANK[here] or _is_route(target):
            wrong.append(imported)
    assert not wrong, f"{module} imports from above its layer: {wrong}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(module: str) -> None:
    private = [
        f"{imported}.{name}"
        for imported, names in _imports(MODULES[module])
        for name in names
        if name.startswith("_") and imported != module
    ]
    assert not private, f"{module} imports private names: {private}"


def test_nothing_talks_to_the_database_driver_past_sqlalchemy() -> None:
    """Statements go through SQLAlchemy's API; no raw driver cursors, no driver-level SQL."""
    needles = ("exec_driver_sql", "dbapi_connection", ".cursor(", "connection().execute")
    offenders = [
        f"{name}: {needle}"
        for name, path in MODULES.items()
        for needle in needles
        if needle in path.read_text() and name != "app.core.db"
    ]
    assert not offenders


def test_only_the_unit_of_work_commits_board_content() -> None:
    """Board content tables are written in app.board.changes' unit of work; a commit anywhere
    else is checked at run time (tests/board/test_write_path.py), and here no module but the unit
    of work calls the hub's publishing directly."""
    publishing = ("before_commit(", "after_commit(", ".publish(")
    allowed = {"app.live.unit_of_work", "app.live.hub", "app.live.memory", "app.live.postgres"}
    offenders = [
        name
        for name, path in MODULES.items()
        if name not in allowed and any(needle in path.read_text() for needle in publishing[:2])
    ]
    assert not offenders
