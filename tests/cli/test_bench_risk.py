"""`flywheel bench risk` at a tiny size: it starts its own API, seeds, places orders and
reports the in-API check times beside the placement's latency."""

from __future__ import annotations

import json

import pytest

from transactional_api.cli.main import main

pytestmark = pytest.mark.slow


def test_bench_risk_reports_checks_beside_the_placement(capsys):
    assert main(["bench", "risk", "--orders", "20", "--warmup", "2", "--shoppers", "3",
                 "--concurrency", "2", "--json"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["bench"] == "risk" and figures["orders"] == 20 and figures["errors"] == 0
    for key in ("risk_ms", "audience_ms", "checks_ms", "placement_ms"):
        assert figures[key]["p50"] <= figures[key]["p99"]
    # the audience is set and asked: its time is measured, not absent
    assert figures["audience_ms"]["p50"] > 0 and figures["risk_ms"]["p50"] > 0
    # the checks are a part of the placement, as the client saw it
    assert 0 < figures["p99_ratio"] < 1
    assert figures["checks_ms"]["p99"] < figures["placement_ms"]["p99"]
    assert "checks vs placement" in out
