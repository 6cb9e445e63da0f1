"""Reading wrk's figures: units, errors, and a refusal when it printed none."""

import pytest

from transactional_api.cli.bench_load import parse_wrk

WRK = """Running 5s test @ http://127.0.0.1:1/healthz
  1 threads and 4 connections
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    2.50ms
     99%    1.10s
  10432 requests in 5.00s, 1.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   2086.40
"""


def test_units_and_errors():
    got = parse_wrk(WRK)
    assert got["rps"] == pytest.approx(2086.40)
    assert got["p50"] == pytest.approx(0.85)
    assert got["p90"] == pytest.approx(2.5)
    assert got["p99"] == pytest.approx(1100.0)
    assert got["errors"] == 10


def test_no_figures_is_an_error():
    with pytest.raises(RuntimeError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")
