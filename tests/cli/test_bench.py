from __future__ import annotations

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, create_product
from transactional_api.cli.main import main


def test_bench_orders_places_every_order_once(api, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_ADMIN_EMAIL", ADMIN_EMAIL)
    monkeypatch.setenv("FLYWHEEL_ADMIN_PASSWORD", ADMIN_PASSWORD)
    assert main(["bench", "orders", "--api", api.url, "--orders", "12",
                 "--concurrency", "3"]) == 0
    out = capsys.readouterr().out
    assert "12 orders on one SKU" in out and "MISMATCH" not in out
    assert out.strip().splitlines()[-1].split()[-1] == "0"  # stock left


def test_bench_api_reports_every_endpoint(api, admin, capsys):
    create_product(admin)
    assert main(["bench", "api", "--api", api.url, "--requests", "40",
                 "--concurrency", "2"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("GET ")]
    assert len(rows) == 4 and all(line.split()[-1] == "0" for line in rows)  # no errors
