"""Shared pieces of the session and funnel tests (tests/dbt/test_sessions_*.py): events made
with the contract models and landed as the relay lands them, and dbt runs of only the
session models (and what they read), optionally for an incremental window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from tests.dbt import shop_story as story
from transactional_api.events import contract as c

DBT_PROJECT = story.DBT_PROJECT
SESSION_MARTS = ("fct_sessions", "fct_funnel_daily", "fct_funnel_sessions_daily",
                 "fct_funnel_user_entries", "fct_funnel_users_daily", "dim_visitors",
                 "fct_sessions_quarantined")
# Every model the session marts are built from, and the marts themselves.
SELECTOR = " ".join(f"+{mart}" for mart in SESSION_MARTS)


def ev(model, at: datetime, anon: str | None, user: str | None = None, *,
       event_id: str | None = None, context: dict | None = None, **payload) -> dict:
    """One landed event line: `model` is a contract class, `context` its UTM/referrer/device."""
    fields = {"event_id": event_id} if event_id else {}
    return c.to_record(model(occurred_at=at, anonymous_id=anon, user_id=user,
                             context=c.Context(**(context or {})), payload=payload, **fields))


def page(at: datetime, anon: str | None, path: str = "/", user: str | None = None,
         **kw) -> dict:
    return ev(c.PageView, at, anon, user, page=path, **kw)


def view(at: datetime, anon: str | None, product: str = "p1", user: str | None = None,
         **kw) -> dict:
    return ev(c.ProductView, at, anon, user, product_id=product, **kw)


def cart(at: datetime, anon: str | None, user: str | None = None, **kw) -> dict:
    return ev(c.AddToCart, at, anon, user, product_id="p1", sku_id="s1", quantity=1, **kw)


def checkout(at: datetime, anon: str | None, user: str | None = None, **kw) -> dict:
    return ev(c.CheckoutStarted, at, anon, user, item_count=1, subtotal_cents=500, **kw)


def order(at: datetime, anon: str | None, user: str | None, order_id: str, **kw) -> dict:
    items = [{"sku_id": "s1", "product_id": "p1", "quantity": 1, "unit_price_cents": 500}]
    return ev(c.OrderCreated, at, anon, user, order_id=order_id, currency="USD",
              total_cents=500, items=items, **kw)


def paid(at: datetime, anon: str | None, user: str | None, order_id: str, **kw) -> dict:
    return ev(c.OrderPaid, at, anon, user, order_id=order_id, payment_id=f"pay-{order_id}",
              amount_cents=500, currency="USD", **kw)


def search(at: datetime, anon: str | None, user: str | None = None, **kw) -> dict:
    return ev(c.Search, at, anon, user, query="mug", results_count=3, **kw)


def new_warehouse(work: Path) -> tuple[Path, str]:
    """An empty OLTP (the ingest snapshots it) and a warehouse with raw.events."""
    warehouse, oltp_url = work / "flywheel.duckdb", f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url, with_rows=False)
    return warehouse, oltp_url


def land(work: Path, oltp_url: str, events: list[dict]) -> None:
    """Land the events in the lake and ingest what is new."""
    story.load_warehouse(work / "flywheel.duckdb", work / "lake", oltp_url, [events])


def dbt_build(work: Path, dbt_vars: dict | None = None, *,
              full_refresh: bool = False) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLYWHEEL_WAREHOUSE_PATH": str(work / "flywheel.duckdb"),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    args = [str(dbt), "build", "--profiles-dir", str(DBT_PROJECT), "--project-dir",
            str(DBT_PROJECT), "--select", SELECTOR, "--indirect-selection", "cautious"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    if full_refresh:
        args.append("--full-refresh")
    result = subprocess.run(args, cwd=DBT_PROJECT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-6000:]
    return result


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()
