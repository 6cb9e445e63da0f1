"""The dbt source raw.events and the pydantic event contract describe the same events.

A field added to a payload or the envelope without updating dbt_project (or the other way
round) fails here, before it silently turns into NULL columns in the marts.
"""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.ingest.events import RAW_EVENT_COLUMNS
from pipelines.ingest.oltp import SNAPSHOT_TABLES, snapshot_columns
from transactional_api.events.contract import CONTEXT_COLUMNS, ENVELOPE_COLUMNS, payload_fields

STAGING_YAML = Path(__file__).resolve().parents[2] / "dbt_project/models/staging/_staging.yml"
LOADER_COLUMNS = ("_source_file", "_ingested_at")


def load_sources() -> dict[str, Any]:
    return yaml.safe_load(STAGING_YAML.read_text(encoding="utf-8"))


def _table(doc: dict[str, Any], source: str, table: str) -> dict[str, Any]:
    src = next(s for s in doc["sources"] if s["name"] == source)
    return next(t for t in src["tables"] if t["name"] == table)


def event_contract_drift(
    doc: dict[str, Any], payloads: dict[str, list[str]] | None = None
) -> list[str]:
    """Every difference between the dbt source raw.events and the event contract."""
    payloads = payload_fields() if payloads is None else payloads
    table = _table(doc, "raw", "events")
    declared = [c["name"] for c in table["columns"]]
    expected = [*ENVELOPE_COLUMNS, *CONTEXT_COLUMNS, "payload", *LOADER_COLUMNS]
    problems = [f"column missing in dbt: {c}" for c in expected if c not in declared]
    problems += [f"column not in contract: {c}" for c in declared if c not in expected]
    if not problems and declared != expected:
        problems.append(f"column order differs: {declared} != {expected}")
    meta = (table.get("config") or {}).get("meta") or table.get("meta") or {}
    in_dbt = meta.get("event_payloads") or {}
    for event_type in sorted(payloads.keys() | in_dbt.keys()):
        if event_type not in in_dbt:
            problems.append(f"event type missing in dbt: {event_type}")
        elif event_type not in payloads:
            problems.append(f"event type not in contract: {event_type}")
        elif sorted(in_dbt[event_type]) != sorted(payloads[event_type]):
            problems.append(
                f"payload of {event_type}: dbt {in_dbt[event_type]} != "
                f"contract {payloads[event_type]}"
            )
    return problems


def test_raw_events_source_matches_the_contract():
    assert event_contract_drift(load_sources()) == []


def test_loader_writes_the_declared_columns():
    declared = [c["name"] for c in _table(load_sources(), "raw", "events")["columns"]]
    assert list(RAW_EVENT_COLUMNS) == declared


def test_drift_in_columns_is_reported():
    doc = load_sources()
    broken = copy.deepcopy(doc)
    columns = _table(broken, "raw", "events")["columns"]
    columns[:] = [c for c in columns if c["name"] != "utm_campaign"]
    columns.append({"name": "coupon_code"})
    problems = event_contract_drift(broken)
    assert "column missing in dbt: utm_campaign" in problems
    assert "column not in contract: coupon_code" in problems


def test_drift_in_payloads_is_reported():
    doc = load_sources()
    contract = payload_fields()
    contract["order_paid"] = [*contract["order_paid"], "captured_at"]  # a new contract field
    contract["refund_issued"] = ["order_id", "amount_cents"]  # a new event type
    problems = event_contract_drift(doc, contract)
    assert any(p.startswith("payload of order_paid") and "captured_at" in p for p in problems)
    assert "event type missing in dbt: refund_issued" in problems
    assert len(problems) == 2


@pytest.mark.parametrize("table", SNAPSHOT_TABLES)
def test_oltp_sources_match_the_snapshot(table):
    declared = [c["name"] for c in _table(load_sources(), "oltp", table)["columns"]]
    assert declared == [c.name for c in snapshot_columns(table)]
