"""A settlement story played through the live API and the settlement service: two merchants
onboarded with their deposits, Alpha on its own commission rate and fixed fee, three paid
sub-orders, a partial refund of one, everything shipped and completed, then a settlement
run whose first payout the sandbox channel refuses. Returns every outbox record and what
the OLTP's settlement tables say, for the marts to be checked against."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from tests.aftersales.helpers import decide, open_request
from tests.api.catalog_helpers import pay, product, sku
from tests.conftest import register
from tests.merchants.helpers import category, onboard
from transactional_api.core import clock
from transactional_api.events.models import OutboxEvent
from transactional_api.settlement import accounts, payouts, service
from transactional_api.settlement.models import (
    MERCHANT_PAYABLE,
    LedgerEntry,
    Payout,
    SettledSubOrder,
    Statement,
)
from transactional_api.settlement.reconciliation import reconcile

REFUND_KINDS = ("refund", "commission_refund", "fee_refund")


@dataclass
class Played:
    merchants: dict[str, str] = field(default_factory=dict)  # name -> merchant id
    owners: dict[str, str] = field(default_factory=dict)  # name -> owner's bearer token
    records: list[dict] = field(default_factory=list)
    statements: dict[str, dict] = field(default_factory=dict)  # statement id -> figures
    positions: dict[str, dict] = field(default_factory=dict)  # merchant id -> figures
    oltp_copy: Path | None = None


def play(api, admin, copy_to: Path) -> Played:
    out = Played()
    skus = {}
    for name in ("alpha", "beta"):
        owner, merchant_id, _ = onboard(api, admin, f"{name.title()} Settles")
        out.owners[name] = owner.headers["Authorization"].removeprefix("Bearer ")
        owner.close()
        out.merchants[name] = merchant_id
        p = product(admin, category(admin), [sku(f"st-{name}", stock=20, price_cents=2345)],
                    merchant_id=merchant_id, name=f"{name} settled goods")
        skus[name] = p["skus"][0]["id"]
    r = admin.put("/v1/admin/commission-rates", json={
        "merchant_id": out.merchants["alpha"], "category_id": None, "rate_bps": 800,
        "fee_fixed_cents": 30})
    assert r.status_code == 200, r.text
    buyer = api.client(register(api, "settlement-story@example.com"))
    orders = []
    for name, quantity in (("alpha", 2), ("alpha", 1), ("beta", 3)):
        r = buyer.post("/v1/orders", json={"shipping_region": "N", "items": [
            {"sku_id": skus[name], "quantity": quantity}]})
        assert r.status_code == 201, r.text
        orders.append(pay(buyer, r.json()["id"]))
    # one of Alpha's two units refunded before shipping
    first = orders[0]
    r = open_request(buyer, first["id"], first["sub_orders"][0]["id"], "refund_only",
                     {skus["alpha"]: 1}, "no_longer_needed")
    assert r.status_code == 201, r.text
    assert decide(admin, r.json()["id"]).json()["resolution"] == "refunded"
    for order in orders:
        assert admin.post(f"/v1/admin/orders/{order['id']}/ship").status_code == 200
        assert admin.post(f"/v1/admin/orders/{order['id']}/complete").status_code == 200
    buyer.close()

    settings = api.settings.model_copy(update={"settlement_window_days": 0})
    run = service.run_cycle(sessions=api.sessions, settings=settings,
                            at=clock.now() + timedelta(days=8),
                            channel=payouts.SandboxPayoutChannel(fail_times=1))
    assert (run["statements"], run["payouts_sent"], run["payouts_failed"]) == (2, 1, 1), run
    with api.sessions() as s:
        assert reconcile(s)["ok"]
        out.records = [json.loads(r) for r in s.scalars(
            select(OutboxEvent.record).order_by(OutboxEvent.id))]
        _read_oltp(s, out)
    out.oltp_copy = copy_to
    with sqlite3.connect(api.settings.resolved_database_url.removeprefix("sqlite:///")) as src, \
            sqlite3.connect(copy_to) as dst:
        src.backup(dst)
    return out


def _sum(s, column, *where) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)))


def _read_oltp(s, out: Played) -> None:
    for st in s.scalars(select(Statement)):
        payout = s.scalar(select(Payout).where(Payout.statement_id == st.id))
        out.statements[st.id] = {
            "merchant_id": st.merchant_id, "period_key": st.period_key, "cycle": st.cycle,
            "currency": st.currency, "sub_order_count": st.sub_order_count,
            "gross_cents": st.gross_cents, "commission_cents": st.commission_cents,
            "fee_cents": st.fee_cents, "refunds_cents": st.refunds_cents,
            "opening_cents": st.opening_cents, "net_payable_cents": st.net_payable_cents,
            "payout_status": payout.status if payout else None,
            "payout_cents": payout.amount_cents if payout else 0,
            "payout_attempts": payout.attempts if payout else 0}
    for m in out.merchants.values():
        subs = SettledSubOrder.merchant_id == m
        payable = (LedgerEntry.account == MERCHANT_PAYABLE, LedgerEntry.merchant_id == m)
        out.positions[m] = {
            "accrued_gross_cents": _sum(s, SettledSubOrder.gross_cents, subs,
                                        SettledSubOrder.statement_id.is_not(None)),
            "commission_cents": _sum(s, SettledSubOrder.commission_cents
                                     - SettledSubOrder.commission_reversed_cents, subs),
            "fee_cents": _sum(s, SettledSubOrder.fee_cents - SettledSubOrder.fee_reversed_cents,
                              subs),
            "refunds_cents": _sum(s, LedgerEntry.amount_cents, *payable,
                                  LedgerEntry.kind.in_(REFUND_KINDS)),
            "ledger_payable_cents": _sum(s, LedgerEntry.amount_cents, *payable),
            "unsettled_net_cents": _sum(s, SettledSubOrder.net_cents, subs,
                                        SettledSubOrder.statement_id.is_(None)),
            "paid_out_cents": _sum(s, Payout.amount_cents, Payout.merchant_id == m,
                                   Payout.status == "sent"),
            "failed_cents": _sum(s, Payout.amount_cents, Payout.merchant_id == m,
                                 Payout.status == "failed"),
            "deposit_cents": accounts.deposit_balance(session=s, merchant_id=m),
            "refunded_sub_orders": int(s.scalar(select(func.count()).where(
                subs, SettledSubOrder.refunded_cents > 0))),
        }
