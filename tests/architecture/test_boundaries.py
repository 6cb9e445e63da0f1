"""Who may import whom, as ARCHITECTURE.md's package table says."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "transactional_api": {"pipelines", "dbt", "duckdb", "dagster", "dagster_dbt", "dashboards",
                          "recommender", "streamlit"},
    "recommender": {"dagster", "fastapi", "redis", "transactional_api", "pipelines", "streamlit"},
    "dashboards": {"pipelines", "dagster", "fastapi", "redis", "sqlalchemy"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_stay_inside_its_lane(package):
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & FORBIDDEN[package])
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_imports():
    sample = ROOT / "transactional_api" / "app.py"
    assert "fastapi" in imported_roots(sample)
