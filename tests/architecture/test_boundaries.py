"""Who may import whom, as ARCHITECTURE.md's package table says."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "transactional_api": {"pipelines", "dbt", "duckdb", "dagster", "dagster_dbt", "dashboards",
                          "recommender", "streamlit"},
    "recommender": {"dagster", "fastapi", "redis", "transactional_api", "pipelines", "streamlit"},
    "dashboards": {"pipelines", "dagster", "fastapi", "redis", "sqlalchemy"},
}
# The one module of a forbidden package a lane may import, by its full dotted name: the
# request-time recommendation functions, shared by the API and the offline replay.
ALLOWED = {"transactional_api": {"recommender.serving"}}
SHARED_STDLIB_ONLY = ROOT / "recommender" / "serving.py"


def imported_modules(path: Path) -> set[str]:
    """Absolute imports by dotted name; ``from a import b`` counts as a.b when a.b is an
    allowed module, else as a."""
    shared = set().union(*ALLOWED.values())
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {full if (full := f"{node.module}.{a.name}") in shared else node.module
                      for a in node.names}
    return names


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def forbidden_imports(path: Path, package: str) -> list[str]:
    allowed = ALLOWED.get(package, set())
    return sorted(m for m in imported_modules(path)
                  if m.split(".")[0] in FORBIDDEN[package] and m not in allowed)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_stay_inside_its_lane(package):
    offenders = {
        str(p.relative_to(ROOT)): forbidden_imports(p, package)
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_imports():
    sample = ROOT / "transactional_api" / "app.py"
    assert "fastapi" in imported_roots(sample)


def test_only_the_shared_module_is_let_through(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from recommender.serving import rerank\n"
                      "from recommender import serving\n"
                      "import recommender.serving\n")
    assert forbidden_imports(sample, "transactional_api") == []
    for bad in ("from recommender.sessions.serve import score_recent",
                "from recommender import als", "import recommender",
                "import recommender.serving_extra", "from recommender.als import fit"):
        sample.write_text(bad + "\n")
        assert forbidden_imports(sample, "transactional_api"), bad


def test_the_shared_module_imports_only_the_standard_library():
    """transactional_api imports it: it must not drag numpy, pandas or the models along."""
    tree = ast.parse(SHARED_STDLIB_ONLY.read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    roots = imported_roots(SHARED_STDLIB_ONLY) - {"__future__"}
    assert roots, "the checker found no import at all"
    assert roots <= sys.stdlib_module_names, sorted(roots - sys.stdlib_module_names)
    # importing it runs recommender/__init__.py too: that must stay empty of imports
    assert imported_roots(ROOT / "recommender" / "__init__.py") == set()
