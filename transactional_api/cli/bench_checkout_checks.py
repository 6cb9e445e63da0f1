"""What `flywheel bench checkout` checks after each run: no oversold unit, no payment
counted twice, money conserved. Reads the database with SELECTs only (there is no admin
endpoint for these sums) plus the stock ledger check endpoint, and replays a sample of the
run's callbacks, which must all answer "duplicate"."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import column, create_engine, func, select, table

from transactional_api.payments.signing import sign


def replay(url: str, secret: str, bodies: list[bytes]) -> Counter:
    """Deliver callbacks a second time, freshly signed (a provider retrying)."""
    outcomes: Counter = Counter()
    with httpx.Client(base_url=url, timeout=60) as c:
        for raw in bodies:
            r = c.post("/v1/payments/callbacks/sandbox", content=raw, headers={
                "content-type": "application/json", "x-flywheel-signature": sign(secret, raw)})
            outcomes[r.json().get("outcome", str(r.status_code)) if r.status_code == 200
                     else str(r.status_code)] += 1
    return outcomes


def _read_only(db_url: str):
    if db_url.startswith("sqlite:///"):
        # mode=ro: the bench can never write the database it checks
        return create_engine(f"sqlite:///file:{db_url.removeprefix('sqlite:///')}"
                             "?mode=ro&uri=true")
    return create_engine(db_url)


# Lightweight table handles, not the ORM models: the check reads the few columns it
# needs and does not break while the domains' models are being reworked.
_orders = table("orders", column("id"), column("user_id"), column("total_cents"),
                column("paid_at"))
_items = table("order_items", column("order_id"), column("sku_id"), column("quantity"))
_payments = table("payments", column("id"), column("order_id"), column("status"),
                  column("amount_cents"))
_events = table("payment_events", column("payment_id"), column("outcome"))
_levels = table("stock_levels", column("sku_id"), column("on_hand"), column("reserved"))
_outbox = table("outbox", column("event_id"), column("published_at"))


def events_check(db_url: str, lake: Path, *, wait_seconds: float = 60.0) -> dict:
    """Every outbox event landed in the lake exactly once, whichever of the API processes
    relayed it: the relay's lease lets one of them at a time take a batch."""
    o = _outbox.c
    engine = _read_only(db_url)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            with engine.connect() as conn:
                pending = conn.execute(select(func.count()).select_from(_outbox)
                                       .where(o.published_at.is_(None))).scalar_one()
                if not pending or time.monotonic() > deadline:
                    ids = set(conn.execute(select(o.event_id)).scalars())
                    break
            time.sleep(0.5)
    finally:
        engine.dispose()
    landed: Counter = Counter()
    for f in lake.rglob("*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            landed[json.loads(line)["event_id"]] += 1
    return {"outbox_events": len(ids), "unpublished_events": pending,
            "events_missing_from_lake": len(ids - set(landed)),
            "events_landed_twice": sum(1 for n in landed.values() if n > 1)}


def orders_in_db(db_url: str) -> int:
    engine = _read_only(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(_orders)).scalar_one()
    finally:
        engine.dispose()


def database_checks(db_url: str, *, user_ids: list[str], stock: dict[str, int]) -> dict:
    """stock: the bench's SKUs and the units each started with."""
    o, i, p, e, lv = _orders.c, _items.c, _payments.c, _events.c, _levels.c
    ours = o.user_id.in_(user_ids)
    engine = _read_only(db_url)
    try:
        with engine.connect() as conn:
            paid = dict(conn.execute(select(o.id, o.total_cents)
                                     .where(ours, o.paid_at.is_not(None))).all())
            placed = conn.execute(select(func.count()).select_from(_orders)
                                  .where(ours)).scalar_one()
            captures = conn.execute(
                select(p.order_id, func.count(), func.sum(p.amount_cents))
                .join(_orders, o.id == p.order_id)
                .where(ours, p.status == "succeeded").group_by(p.order_id)).all()
            twice_in_ledger = conn.execute(select(func.count()).select_from(
                select(e.payment_id).join(_payments, p.id == e.payment_id)
                .join(_orders, o.id == p.order_id)
                .where(ours, e.outcome == "paid").group_by(e.payment_id)
                .having(func.count() > 1).subquery())).scalar_one()
            sold = dict(conn.execute(
                select(i.sku_id, func.sum(i.quantity)).join(_orders, o.id == i.order_id)
                .where(ours, o.paid_at.is_not(None)).group_by(i.sku_id)).all())
            levels = {s: (int(h), int(r)) for s, h, r in conn.execute(
                select(lv.sku_id, func.sum(lv.on_hand), func.sum(lv.reserved))
                .where(lv.sku_id.in_(list(stock))).group_by(lv.sku_id))}
    finally:
        engine.dispose()
    per_order = {order_id: n for order_id, n, _ in captures}
    oversold = mismatched = 0
    for sku, start in stock.items():
        on_hand, reserved = levels.get(sku, (start, 0))
        units = int(sold.get(sku, 0))
        # sold beyond what existed, held beyond what is on hand, or below zero
        oversold += max(0, units - start) + max(0, reserved - on_hand) + max(0, -on_hand)
        mismatched += start - on_hand != units  # deducted units differ from units sold
    return {
        "orders_placed": placed,
        "paid_orders": len(paid),
        "paid_totals_cents": sum(paid.values()),
        "captured_cents": sum(int(amount) for _, _, amount in captures),
        "paid_without_one_capture": sum(per_order.get(oid, 0) != 1 for oid in paid),
        "captures_on_unpaid_orders": sum(1 for oid in per_order if oid not in paid),
        "payments_paid_twice_in_ledger": twice_in_ledger,
        "oversold_units": oversold,
        "stock_mismatch_skus": mismatched,
    }


def run_checks(url: str, admin_token: str, secret: str, db_url: str, *,
               user_ids: list[str], stock: dict[str, int], replays: list[bytes],
               client_paid: int, lake: Path | None = None) -> dict:
    """lake: the API's landing zone when the bench started the API (events are checked)."""
    with httpx.Client(base_url=url, timeout=120,
                      headers={"Authorization": f"Bearer {admin_token}"}) as c:
        ledger = c.get("/v1/admin/stock/ledger-check").raise_for_status().json()
    replayed = replay(url, secret, replays)
    checks = database_checks(db_url, user_ids=user_ids, stock=stock)
    checks.update({
        "ledger_consistent": bool(ledger["consistent"]),
        "client_counted_paid": client_paid,
        "replayed_callbacks": sum(replayed.values()),
        "replays_not_duplicate": sum(n for k, n in replayed.items() if k != "duplicate"),
    })
    checks["double_counted"] = (checks["paid_without_one_capture"]
                                + checks["captures_on_unpaid_orders"]
                                + checks["payments_paid_twice_in_ledger"]
                                + checks["replays_not_duplicate"]
                                + max(0, client_paid - checks["paid_orders"]))
    checks["ok"] = (checks["ledger_consistent"] and not checks["oversold_units"]
                    and not checks["stock_mismatch_skus"] and not checks["double_counted"]
                    and checks["captured_cents"] == checks["paid_totals_cents"])
    if lake is not None:
        checks.update(events_check(db_url, lake))
        checks["ok"] = checks["ok"] and not (checks["unpublished_events"]
                                             or checks["events_missing_from_lake"]
                                             or checks["events_landed_twice"])
    return checks
