"""Each bench at a tiny size, on the API it starts itself, so none rots."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from transactional_api.cli.main import main

pytestmark = pytest.mark.slow


def _figures(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_bench_orders_places_every_order_once(capsys):
    assert main(["bench", "orders", "--orders", "12", "--concurrency", "3", "--json"]) == 0
    figures = _figures(capsys)
    assert figures["requests"] == 12 and figures["stock_left"] == figures["stock_expected"] == 0


def test_bench_api_reports_every_endpoint(capsys):
    assert main(["bench", "api", "--requests", "40", "--concurrency", "2", "--json"]) == 0
    endpoints = _figures(capsys)["endpoints"]
    assert len(endpoints) == 4 and all(e["errors"] == 0 for e in endpoints.values())
    assert endpoints["GET /v1/recommendations"]["p50_ratio"] == 1.0


def test_bench_login_flood_reports_the_ratio(capsys):
    assert main(["bench", "login-flood", "--clients", "2", "--requests", "20", "--json"]) == 0
    figures = _figures(capsys)
    assert figures["p50_ratio"] > 0 and sum(figures["login_answers"].values()) > 0


def test_bench_against_a_running_api(api, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.setenv("FLYWHEEL_ADMIN_PASSWORD", ADMIN_PASSWORD)
    assert main(["bench", "orders", "--api", api.url, "--orders", "6", "--concurrency", "2",
                 "--json"]) == 0
    assert _figures(capsys)["stock_left"] == 0
