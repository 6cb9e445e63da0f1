"""`flywheel bench checkout` at a tiny size, on the SQLite API it starts itself."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, make_settings, run_api
from transactional_api.cli.main import main

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("hot", [False, True], ids=["many-skus", "hot-sku-two-rounds"])
def test_bench_checkout_pays_every_order_once(capsys, hot):
    # The hot-SKU run times two rounds on the same shop: 10 orders each.
    rounds = 2 if hot else 1
    argv = ["bench", "checkout", "--shoppers", "2", "--skus", "3", "--orders", "10",
            "--db", "sqlite", "--json", "--rounds", str(rounds)] + (["--hot-sku"] if hot else [])
    assert main(argv) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["bench"] == "checkout" and figures["ok"] is True
    reference = figures["reference"]
    assert reference["completed"] == 10 and reference["errors"] == {}
    sqlite = figures["engines"]["sqlite"]
    for key in ("per_s", "path", "steps", "errors", "ratio_to_reference", "preview", "checks"):
        assert key in sqlite
    assert sqlite["completed"] == 10 and sqlite["errors"] == {}
    assert {"place", "pay", "callback"} <= set(sqlite["steps"])
    assert sqlite["ratio_to_reference"] == round(sqlite["per_s"] / reference["per_s"], 4)
    checks = sqlite["checks"]
    assert checks["oversold_units"] == 0 and checks["stock_mismatch_skus"] == 0
    assert checks["double_counted"] == 0 and checks["ledger_consistent"]
    assert checks["paid_orders"] == checks["client_counted_paid"] == 10 * rounds
    assert checks["captured_cents"] == checks["paid_totals_cents"] > 0
    assert checks["replayed_callbacks"] == 10 * rounds and checks["replays_not_duplicate"] == 0
    assert [r["orders_before"] for r in sqlite["rounds"]] == [10 * k for k in range(rounds)]
    # every event the run made reached the lake once
    assert checks["outbox_events"] > 0 and checks["events_landed_twice"] == 0
    assert checks["events_missing_from_lake"] == checks["unpublished_events"] == 0
    assert "preview: " in out and "reference (bare FastAPI" in out


def test_bench_checkout_against_a_running_api(tmp_path, redis_server, monkeypatch, capsys):
    # The running API must leave confirmations to the bench, which signs them with its secret
    # and checks the database the environment names.
    secret = "bench-checkout-test-secret-0123456789"
    settings = make_settings(tmp_path / "var", redis_server.url, sandbox_auto_confirm=False,
                             payment_webhook_secret=secret)
    for name, value in {"FLYWHEEL_ADMIN_EMAIL": ADMIN_EMAIL,
                        "FLYWHEEL_ADMIN_PASSWORD": ADMIN_PASSWORD,
                        "FLYWHEEL_PAYMENT_WEBHOOK_SECRET": secret,
                        "FLYWHEEL_VAR_DIR": str(tmp_path / "var")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FLYWHEEL_DATABASE_URL", raising=False)
    for api in run_api(settings):
        assert main(["bench", "checkout", "--api", api.url, "--shoppers", "2", "--skus", "2",
                     "--orders", "6", "--json"]) == 0
    checks = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["engines"]["api"][
        "checks"]
    assert checks["paid_orders"] == 6 and checks["double_counted"] == 0 and checks["ok"]
