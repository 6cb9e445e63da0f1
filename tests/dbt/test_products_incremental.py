"""The daily product marts are incremental: a product view that lands two days late is
counted in its own day by the next day's run (lookback 3 days), a re-run changes nothing,
and the result equals a full rebuild."""

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tests.dbt import mart_builds, products_story
from tests.dbt import shop_story as story
from transactional_api.events import contract as c

DAILY_MARTS = ("fct_product_views_daily", "fct_product_sales_daily")
# Seen on Sun 18 May, landed after the run that processed 20 May.
LATE_VIEW = c.to_record(c.ProductView(occurred_at=datetime(2025, 5, 18, 16, tzinfo=UTC),
                                      anonymous_id="a7", payload={"product_id": "p2"}))


def _rows(work: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(work / "flywheel.duckdb"), read_only=True) as conn:
        return {mart: conn.execute(f"select * from marts.{mart} order by all").fetchall()
                for mart in DAILY_MARTS}


def _p2_views_on_18_may(rows: dict[str, list[tuple]]) -> int:
    return sum(r[2] for r in rows["fct_product_views_daily"]
               if r[0].isoformat() == "2025-05-18" and r[1] == "p2")


def _run(work: Path, *args: str, parents: bool = False) -> None:
    """Run the daily marts, and every model upstream of them when parents is set (new
    events: staging must see them first)."""
    marts = [f"+{m}" if parents else m for m in DAILY_MARTS]
    result = mart_builds.dbt(work, "run", "--select", *marts, *args)
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_late_view_is_counted_in_its_day_and_equals_a_full_rebuild():
    with tempfile.TemporaryDirectory(prefix="products-late-") as tmp:
        work = Path(tmp)
        first, second = products_story.story_events()
        mart_builds.load(work, products_story.build_oltp, [first, second])
        built = mart_builds.dbt(work, "build", *mart_builds.selected(
            *(f"+{mart}" for mart in DAILY_MARTS)))
        assert built.returncode == 0, built.stdout[-4000:]
        before = _rows(work)
        assert _p2_views_on_18_may(before) == 0  # the story has no view on 18 May

        story.load_warehouse(work / "flywheel.duckdb", work / "lake",
                             f"sqlite:///{work / 'oltp.sqlite3'}", [[LATE_VIEW]])
        # The run for 20 May recomputes 17-20 May (lookback 3 days).
        window = json.dumps({"run_from": "2025-05-20", "run_to": "2025-05-20"})
        _run(work, "--vars", window, parents=True)
        after = _rows(work)
        assert _p2_views_on_18_may(after) == 1
        # only that day changed: one more row (p2 had no row on 18 May), nothing else moved
        added = set(after["fct_product_views_daily"]) - set(before["fct_product_views_daily"])
        assert [r[:3] for r in added] == [(datetime(2025, 5, 18).date(), "p2", 1)]
        assert after["fct_product_sales_daily"] == before["fct_product_sales_daily"]

        _run(work, "--vars", window)  # the same day again: the same result
        assert _rows(work) == after
        _run(work, "--full-refresh")
        assert _rows(work) == after
