"""The synthetic events are the relay's, and `flywheel bench pipeline` runs end to end."""

import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from pipelines.synthetic_events import land_synthetic
from transactional_api.events.contract import any_event_adapter, to_record
from transactional_api.events.lake import landed_files

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_events_are_contract_events_in_the_relays_layout(tmp_path):
    lake = tmp_path / "lake"
    landed = land_synthetic(lake, 3_000, start=date(2025, 3, 1), days=5, seed=3,
                            late_share=0.05)
    types, ids, days, late_files = Counter(), set(), set(), 0
    for path in landed_files(lake):
        folder_day = path.parent.name.removeprefix("date=")
        arrived = datetime.strptime(path.name[5:13], "%Y%m%d").date()
        late_files += (arrived - date.fromisoformat(folder_day)).days >= 2
        for line in path.read_text().splitlines():
            event = any_event_adapter.validate_python(json.loads(line))
            # byte for byte what the relay writes for this event
            assert json.dumps(to_record(event), separators=(",", ":")) == line
            assert path.parent.parent.name == event.event_type
            assert event.occurred_at.date().isoformat() == folder_day
            types[event.event_type] += 1
            ids.add(event.event_id)
            days.add(folder_day)
    assert sum(types.values()) == len(ids) == landed.events == 3_000
    assert set(types) == {"page_view", "product_view", "add_to_cart", "checkout_started",
                          "order_created", "order_paid"}
    # a funnel thins out: fewer orders paid than created than checkouts than views
    assert (types["product_view"] > types["checkout_started"] > types["order_created"]
            > types["order_paid"] > 0)
    assert len(days) >= 5 and late_files > 0
    again = land_synthetic(tmp_path / "again", 3_000, start=date(2025, 3, 1), days=5, seed=3,
                           late_share=0.05)
    assert again.files == landed.files  # one seed, one set of files


def test_bench_pipeline_smoke():
    done = subprocess.run(
        [sys.executable, "-m", "transactional_api.cli.main", "bench", "pipeline",
         "--events", "2000", "--days", "5", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["events"] == 2000
    # 2,000 history events, one more day of 1% (20) and 2000 // 10,000 -> 1 late event
    assert figures["events_counted"] == figures["events_expected"] == 2000 + 20 + 1
    for key in ("reference_seconds", "ingest_seconds", "dbt_seconds", "events_per_second",
                "ratio_to_reference", "peak_rss_mib"):
        assert figures[key] > 0, key
    assert figures["incremental"]["ratio_to_full"] > 0
    assert "stg_flywheel__events" in figures["models_seconds"] or figures["models_seconds"]
    assert "reference (bare DuckDB read" in done.stdout and "one more day" in done.stdout
