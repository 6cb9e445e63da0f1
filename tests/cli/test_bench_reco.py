"""`flywheel bench reco` at a tiny size, so it never rots: training and every endpoint."""

import json

import pytest

from transactional_api.cli.main import main


@pytest.mark.slow
def test_bench_reco_trains_and_loads_every_endpoint(capfd):
    assert main(["bench", "reco", "--interactions", "5000", "--products", "12",
                 "--seconds", "1", "--connections", "4", "--latency-connections", "2",
                 "--workers", "1", "--json"]) == 0
    figures = json.loads(capfd.readouterr().out.strip().splitlines()[-1])
    assert figures["bench"] == "reco"
    training = figures["training"]
    assert training["interactions"] == 5000
    assert training["seconds"] >= sum(training["seconds_by_model"].values()) * 0.99
    assert training["lists"]["session_next"] > 0 and training["lists"]["als"] > 0
    rows = figures["serving"]["endpoints"]
    assert len(rows) == 5 and "GET /healthz (reference)" in rows
    for row in rows.values():
        assert row["errors"] == 0 and row["rps"] > 0
        assert 0 < row["p50_ms"] <= row["p99_ms"]
    assert rows["GET /healthz (reference)"]["rps_ratio_to_reference"] == 1.0
