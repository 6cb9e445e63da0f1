"""`flywheel fx load-rates`: loads a CSV, is idempotent, reports bad rows, and rate_at
follows the effective dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.cli.main import main
from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.core.errors import Conflict
from transactional_api.events.models import OutboxEvent
from transactional_api.markets import fx
from transactional_api.markets.models import FxRate

CSV = """date,base,quote,rate
2026-01-01,USD,BRL,5.1
2026-01-02,USD,BRL,5.2
2026-01-01,USD,JPY,150
2026-01-03,EUR,USD,1.08
"""


def _run(monkeypatch, tmp_path, capsys, text: str, name: str = "rates.csv"):
    (tmp_path / "var").mkdir(exist_ok=True)
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FLYWHEEL_FX_LOAD_PROGRESS_EVERY", "2")
    path = tmp_path / name
    path.write_text(text)
    code = main(["fx", "load-rates", str(path)])
    out = capsys.readouterr()
    return code, json.loads(out.out.strip().splitlines()[-1]), out.err


def test_load_is_idempotent_and_rates_follow_effective_dates(monkeypatch, tmp_path, capsys):
    code, first, err = _run(monkeypatch, tmp_path, capsys, CSV)
    assert code == 0 and "2 rows" in err and "4 rows" in err
    assert (first["rows"], first["inserted"], first["updated"], first["unchanged"]) == \
        (4, 4, 0, 0)
    code, again, _ = _run(monkeypatch, tmp_path, capsys, CSV)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 4)
    corrected = CSV.replace("2026-01-02,USD,BRL,5.2", "2026-01-02,USD,BRL,5.25")
    code, third, _ = _run(monkeypatch, tmp_path, capsys, corrected)
    assert (third["inserted"], third["updated"], third["unchanged"]) == (0, 1, 3)

    engine = make_engine(Settings().resolved_database_url)
    try:
        with engine.connect() as conn:
            s = Session(bind=conn)
            assert s.scalar(select(func.count()).select_from(FxRate)) == 4
            # one fx_rate_set per write: 4 inserts and 1 correction, none for unchanged rows
            assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
                OutboxEvent.event_type == "fx_rate_set")) == 5
            jan = lambda d, h=12: datetime(2026, 1, d, h, tzinfo=UTC)  # noqa: E731
            assert fx.rate_at(s, "USD", "BRL", jan(1)) == 5_100_000_000
            assert fx.rate_at(s, "USD", "BRL", jan(2, 0)) == 5_250_000_000
            # only EUR->USD was loaded: the other way is its inverse (1/1.08 = 0.925925926)
            assert fx.rate_at(s, "USD", "EUR", jan(3)) == 925_925_926
            with pytest.raises(Conflict) as exc:
                fx.rate_at(s, "USD", "EUR", jan(2))  # before its first day
            assert exc.value.code == "fx_rate_missing"
    finally:
        engine.dispose()


def test_bad_rows_are_reported_and_skipped(monkeypatch, tmp_path, capsys):
    text = ("date,base,quote,rate\n2026-01-01,USD,BRL,5.1\n2026-13-01,USD,BRL,5\n"
            "2026-01-01,USD,XXX,5\n2026-01-01,USD,EUR,-1\n2026-01-01,USD,USD,1\n")
    code, out, _ = _run(monkeypatch, tmp_path, capsys, text)
    assert code == 1
    assert (out["rows"], out["inserted"], out["rejected"]) == (5, 1, 4)
    assert [(e["line"], e["code"]) for e in out["errors"]] == [
        (3, "invalid_date"), (4, "unknown_currency"), (5, "invalid_rate"),
        (6, "same_currency")]
    path = tmp_path / "bad.csv"
    path.write_text("day,rate\n2026-01-01,5\n")
    assert main(["fx", "load-rates", str(path)]) == 2
    assert "invalid_csv" in capsys.readouterr().err
