"""The bulk ingest (DuckDB read_json) gives the rows the old line-by-line parser gave."""

import json
from datetime import UTC, datetime, timedelta

import duckdb

from pipelines.ingest.events import RAW_EVENT_COLUMNS, load_new_files
from transactional_api.events import contract as c
from transactional_api.events.contract import CONTEXT_COLUMNS, ENVELOPE_COLUMNS
from transactional_api.events.lake import land, landed_files

WHEN = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def old_parser_rows(lake) -> list[dict]:
    """What pipelines/ingest/events.py did before (json.loads per line, pandas to UTC),
    restated: the reference the bulk read must equal."""
    rows = []
    for path in landed_files(lake):
        rel = path.relative_to(lake).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            context = rec.get("context") or {}
            row = {col: rec.get(col) for col in ENVELOPE_COLUMNS}
            row.update({col: context.get(col) for col in CONTEXT_COLUMNS})
            row["occurred_at"] = (datetime.fromisoformat(rec["occurred_at"])
                                  .astimezone(UTC).replace(tzinfo=None))
            row["payload"] = rec.get("payload")
            row["_source_file"] = rel
            rows.append(row)
    return rows


def _events() -> list[dict]:
    m = timedelta(minutes=1)
    return [c.to_record(e) for e in (
        c.PageView(occurred_at=WHEN, anonymous_id="a1", payload={"page": "/"},
                   context={"utm_source": "google", "utm_medium": "cpc", "device": "mobile"}),
        c.ProductView(occurred_at=WHEN + m, anonymous_id="a1", user_id="u1", session_id="s1",
                      payload={"product_id": "p1", "sku_id": None}),
        c.Search(occurred_at=WHEN + 2 * m, anonymous_id="a2",
                 payload={"query": "théière «verte»", "results_count": 0}),
        c.OrderCreated(occurred_at=WHEN + 3 * m, user_id="u1", payload={
            "order_id": "o1", "currency": "EUR", "total_cents": 1999,
            "items": [{"sku_id": "s1", "product_id": "p1", "quantity": 1,
                       "unit_price_cents": 1999}]}),
        c.OrderPaid(occurred_at=WHEN.replace(microsecond=123456) + 4 * m, user_id="u1",
                    payload={"order_id": "o1", "payment_id": "pay1", "amount_cents": 1999,
                             "currency": "EUR"}),
    )]


def _raw_rows(conn) -> list[dict]:
    rows = conn.execute(f"SELECT {', '.join(RAW_EVENT_COLUMNS)} FROM raw.events").fetchall()
    return [dict(zip(RAW_EVENT_COLUMNS, r, strict=True)) for r in rows]


def test_bulk_ingest_equals_the_old_parser(tmp_path):
    lake = tmp_path / "lake"
    events = _events()
    land(lake, events)
    # Lines the relay would not write but a landed file may hold: another writer's offset
    # (14:30+02:00 is 12:30 UTC), no context at all, blank lines, a key the contract has
    # not got yet (ignored, as the old parser ignored it).
    folder = lake / "page_view" / "date=2025-05-01"
    (folder / "part-20250501T130000000000-handwritten.jsonl").write_text(
        '{"event_id":"h1","event_type":"page_view","schema_version":1,'
        '"occurred_at":"2025-05-01T14:30:00+02:00","user_id":null,"anonymous_id":"a9",'
        '"session_id":null,"payload":{"page":"/x"},"new_field":7}\n'
        "\n"
        '{"event_id":"h2","event_type":"page_view","schema_version":1,'
        '"occurred_at":"2025-05-01T23:59:59.999999Z","user_id":"u9","anonymous_id":null,'
        '"session_id":null,"context":{"utm_source":"mail","utm_medium":null,'
        '"utm_campaign":null,"referrer":null,"device":"tablet"},"payload":{"page":"/y"}}\n',
        encoding="utf-8")
    expected = old_parser_rows(lake)
    assert len(expected) == 7  # five contract events and two handwritten lines

    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        result = load_new_files(conn, lake)
        got = _raw_rows(conn)
    assert (result.files, result.rows) == (len(landed_files(lake)), 7)
    by_id = {r["event_id"]: r for r in got}
    assert len(by_id) == 7
    for want in expected:
        row = by_id[want["event_id"]]
        for col in RAW_EVENT_COLUMNS:
            if col == "payload":  # JSON text: compare as JSON (key order, escaping may differ)
                assert json.loads(row[col]) == want[col], want["event_id"]
            elif col != "_ingested_at":
                assert row[col] == want[col], (want["event_id"], col)
    assert by_id["h1"]["occurred_at"] == datetime(2025, 5, 1, 12, 30)
    assert by_id["h1"]["utm_source"] is None and by_id["h2"]["device"] == "tablet"
    search = by_id[events[2]["event_id"]]
    assert json.loads(search["payload"])["query"] == "théière «verte»"
    assert len({r["_ingested_at"] for r in got}) == 1  # one load, one time


def test_a_second_load_reads_only_new_files(tmp_path):
    lake = tmp_path / "lake"
    events = _events()
    land(lake, events[:2])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        assert load_new_files(conn, lake).rows == 2
        land(lake, events[2:])
        second = load_new_files(conn, lake)
        third = load_new_files(conn, lake)
        total = conn.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    # 2 + 3 events, and the third load has nothing left to read
    assert (second.rows, third.rows, third.files, total) == (3, 0, 0, 5)
