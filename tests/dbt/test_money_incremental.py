"""The money marts are incremental: a refund whose event lands two days late is counted on
the day it was issued by the next run (lookback 3 days), a re-run changes nothing, and the
result equals a full rebuild (money_story.py)."""

import json
import tempfile
from pathlib import Path

import duckdb

from tests.dbt import mart_builds, money_story
from tests.dbt import shop_story as story

DAILY_MARTS = ("fct_daily_revenue", "fct_daily_revenue_by_channel")


def _rows(work: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
        return {mart: conn.execute(f"select * from marts.{mart} order by all").fetchall()
                for mart in DAILY_MARTS}


def _day3(rows: dict[str, list[tuple]]) -> tuple:
    """(refunds, refunded, cancelled after payment, net revenue) of Wed 4 June."""
    (row,) = [r for r in rows["fct_daily_revenue"] if r[0].isoformat() == "2025-06-04"]
    return row[8], row[9], row[10], row[11]


def _run(work: Path, *args: str, parents: bool = False) -> None:
    """Run the daily marts, and every model upstream of them when parents is set (new
    events: the intermediate tables must see them first)."""
    marts = [f"+{m}" if parents else m for m in DAILY_MARTS]
    result = mart_builds.dbt(work, "run", "--select", *marts, *args)
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_late_refund_counts_on_its_issue_day_and_equals_a_full_rebuild():
    first, second = money_story.story_events()
    is_r1 = [e["event_type"] == "refund_succeeded" and e["payload"]["refund_id"] == "r1"
             for e in first]
    late_refund = first[is_r1.index(True)]
    on_time = [e for e, late in zip(first, is_r1, strict=True) if not late]
    with tempfile.TemporaryDirectory(prefix="money-late-") as tmp:
        work = Path(tmp)
        mart_builds.load(work, money_story.build_oltp, [on_time, second])
        built = mart_builds.dbt(work, "build", *mart_builds.selected(
            *(f"+{mart}" for mart in DAILY_MARTS)))
        assert built.returncode == 0, built.stdout[-4000:]
        # before r1 arrives, 4 June only has m2's cancellation: 0 - 3300
        assert _day3(_rows(work)) == (0, 0, 3300, -3300)

        # r1, issued on 4 June, lands on 6 June; that day's run recomputes 3-6 June.
        story.load_warehouse(work / "flywheel.duckdb", work / "lake",
                             f"sqlite:///{work / 'oltp.sqlite3'}", [[late_refund]])
        window = json.dumps({"run_from": "2025-06-06", "run_to": "2025-06-06"})
        _run(work, "--vars", window, parents=True)
        after = _rows(work)
        assert _day3(after) == (1, 500, 3300, -3800)  # 0 - 500 - 3300
        card_day3 = [r for r in after["fct_daily_revenue_by_channel"]
                     if r[0].isoformat() == "2025-06-04" and r[2] == "card"]
        assert [(r[6], r[8]) for r in card_day3] == [(500, -500)]  # refunded, net

        _run(work, "--vars", window)  # the same day again: the same result
        assert _rows(work) == after
        _run(work, "--full-refresh")
        assert _rows(work) == after
