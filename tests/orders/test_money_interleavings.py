"""Random interleavings of checkout, payment, duplicate and late callbacks, cancellation,
expiry, partial refunds, interception, returns and exchanges, through the HTTP API. After
every step: stock never negative, the ledger equals the levels, the levels equal what the
test's own model says, and per order captured - refunded equals what the model says was
paid and not given back (so the totals agree too)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.api.catalog_helpers import category, product, sku
from tests.conftest import make_settings, register, run_api
from transactional_api.payments.signing import sign

STOCK = 20
_examples = itertools.count()
STEPS: Counter = Counter()


@pytest.fixture(scope="module")
def live(tmp_path_factory, redis_server):
    yield from run_api(make_settings(tmp_path_factory.mktemp("money") / "var", redis_server.url,
                                     sandbox_auto_confirm=False, simulated_clock=True,
                                     carrier_delivery_interval_seconds=0,
                                     auto_complete_interval_seconds=0,
                                     payment_refund_sweeper_interval_seconds=0))


def test_money_and_stock_survive_any_interleaving(live):
    api = live
    admin = api.client(api.admin_token())
    cat = category(admin, slug="money")

    class Shop(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            n = next(_examples)
            p = product(admin, cat, [sku(f"A{n}", stock=STOCK, price_cents=1250),
                                     sku(f"B{n}", stock=STOCK, price_cents=1250)],
                        name=f"Pair {n}")
            self.a, self.b = (s["id"] for s in sorted(p["skus"], key=lambda s: s["code"]))
            self.c = api.client(register(api, f"money{n}@example.com"))
            self.on_hand = {self.a: STOCK, self.b: STOCK}
            self.orders: dict[str, dict] = {}
            self.clock = datetime.now(UTC)

        # --- steps -------------------------------------------------------------------
        @rule(qa=st.integers(0, 2), qb=st.integers(0, 2))
        def checkout(self, qa, qb):
            lines = {s: q for s, q in ((self.a, qa), (self.b, qb)) if q}
            if not lines:
                return
            r = self.c.post("/v1/orders", json={"items": [
                {"sku_id": s, "quantity": q} for s, q in lines.items()]})
            assert r.status_code in (201, 409), r.text
            STEPS["checkout", r.status_code] += 1
            if r.status_code == 201:
                o = r.json()
                self.orders[o["id"]] = {"lines": lines, "total": o["total_cents"],
                                        "payments": [], "captured": 0, "refunded": 0,
                                        "status": "pending_payment"}

        @rule(qa=st.integers(0, 2), qb=st.integers(0, 2))
        def buy(self, qa, qb):
            """The common path in one step (checkout, pay, the provider confirms), so the
            runs reach refunds, returns and exchanges often."""
            before = set(self.orders)
            self.checkout(qa, qb)
            for oid in set(self.orders) - before:
                self._pay(oid)
                self._callback(oid, self.orders[oid]["payments"][-1], True, 1)

        @rule(data=st.data())
        def pay(self, data):
            oid = self._pick(data, "pending_payment")
            if oid is not None:
                self._pay(oid)

        def _pay(self, oid):
            r = self.c.post(f"/v1/orders/{oid}/payments", json={})
            assert r.status_code in (202, 409), r.text
            if r.status_code == 202 and r.json()["id"] not in self.orders[oid]["payments"]:
                self.orders[oid]["payments"].append(r.json()["id"])

        @rule(data=st.data(), ok=st.booleans(), times=st.integers(1, 2))
        def callback(self, data, ok, times):
            choices = [(o, p) for o, v in self.orders.items() for p in v["payments"]]
            if not choices:
                return
            oid, pid = choices[data.draw(st.integers(0, 999)) % len(choices)]
            self._callback(oid, pid, ok, times)

        def _callback(self, oid, pid, ok, times):
            o = self.orders[oid]
            for _ in range(times):  # a provider may deliver the same notification twice
                body = {"provider_event_id": f"evt-{pid}-{ok}", "payment_id": pid,
                        "status": "succeeded" if ok else "failed",
                        "amount_cents": o["total"], "currency": "USD",
                        "occurred_at": datetime.now(UTC).isoformat()}
                raw = json.dumps(body).encode()
                r = admin.post("/v1/payments/callbacks/sandbox", content=raw, headers={
                    "content-type": "application/json",
                    "x-flywheel-signature": sign(api.app.state.webhook_secret, raw)})
                assert r.status_code == 200, r.text
                outcome = r.json()["outcome"]
                STEPS["callback", outcome] += 1
                if outcome in ("paid", "refund_due"):
                    o["captured"] += o["total"]
                if outcome == "paid":
                    o["status"] = "paid"
                    for s, q in o["lines"].items():
                        self.on_hand[s] -= q

        @rule(data=st.data())
        def cancel(self, data):
            oid = self._pick(data, "pending_payment")
            if oid is not None:
                r = self.c.post(f"/v1/orders/{oid}/cancel")
                assert r.status_code == 200, r.text
                self.orders[oid]["status"] = "cancelled"

        @rule()
        def expire(self):
            self.clock += timedelta(hours=1)
            r = admin.post("/v1/admin/orders/expire",
                           headers={"X-Flywheel-Clock": self.clock.isoformat()})
            assert r.status_code == 200
            for oid, o in self.orders.items():
                if o["status"] == "pending_payment":
                    o["status"] = self.c.get(f"/v1/orders/{oid}").json()["status"]

        @rule(data=st.data(), pct=st.integers(1, 100))
        def refund(self, data, pct):
            payable = [(oid, pid) for oid, o in self.orders.items() for pid in o["payments"]
                       if o["captured"] > o["refunded"]]
            if not payable:
                return
            oid, pid = payable[data.draw(st.integers(0, 999)) % len(payable)]
            o = self.orders[oid]
            left = self._payment(pid)["captured_cents"] - self._payment(pid)["refunded_cents"]
            amount = max(1, o["total"] * pct // 100)
            r = admin.post(f"/v1/admin/payments/{pid}/refunds", json={
                "amount_cents": amount, "reason": "goodwill"},
                headers={"Idempotency-Key": uuid.uuid4().hex})
            STEPS["refund", r.status_code] += 1
            if amount <= left:
                assert r.status_code == 201, r.text
                o["refunded"] += amount
            else:
                assert r.status_code == 422, r.text
                assert r.json()["error"]["code"] == "refund_exceeds_captured"

        @rule(data=st.data())
        def intercept(self, data):
            oid = self._pick(data, "paid")
            if oid is None:
                return
            o = self.orders[oid]
            sub = self.c.get(f"/v1/orders/{oid}").json()["sub_orders"][0]
            if sub["status"] != "allocated":
                return
            r = admin.post(f"/v1/admin/sub-orders/{sub['id']}/intercept",
                           json={"action": "cancel", "reason": "test"})
            STEPS["intercept", r.status_code] += 1
            if o["captured"] - o["refunded"] >= sub["total_cents"]:
                assert r.status_code == 200, r.text
                o["refunded"] += sub["total_cents"]
                for s, q in o["lines"].items():
                    self.on_hand[s] += q  # one location, one merchant: one sub-order
                o["status"] = "cancelled"
            else:  # refunds already gave the money back: the cancel cannot refund it
                assert r.status_code == 422, r.text

        @rule(data=st.data())
        def deliver(self, data):
            oid = self._pick(data, "paid")
            if oid is None:
                return
            assert admin.post(f"/v1/admin/orders/{oid}/ship").status_code == 200
            sub = self.c.get(f"/v1/orders/{oid}").json()["sub_orders"][0]
            r = admin.post(f"/v1/admin/sub-orders/{sub['id']}/transitions",
                           json={"to": "delivered"})
            assert r.status_code == 200, r.text
            self.orders[oid]["status"] = "delivered"

        @rule(data=st.data(), exchange=st.booleans())
        def send_back(self, data, exchange):
            oid = self._pick(data, "delivered")
            if oid is None:
                return
            o = self.orders[oid]
            line = self.a if self.a in o["lines"] else self.b
            other = self.b if line == self.a else self.a
            sub = self.c.get(f"/v1/orders/{oid}").json()["sub_orders"][0]
            body = {"type": "exchange" if exchange else "return_refund",
                    "sub_order_id": sub["id"], "reason_code": "damaged",
                    "lines": [{"sku_id": line, "quantity": 1}],
                    **({"exchange_sku_id": other} if exchange else {})}
            r = self.c.post(f"/v1/orders/{oid}/after-sales", json=body)
            if r.status_code == 409:  # one open request per sub-order, or nothing left
                return
            assert r.status_code == 201, r.text
            rid = r.json()["id"]
            assert admin.post(f"/v1/admin/after-sales/{rid}/decision", json={
                "decision": "approve", "reason": "ok"}).status_code == 200
            assert self.c.post(f"/v1/after-sales/{rid}/return-shipment", json={
                "carrier": "sandbox", "tracking_number": "RET1"}).status_code == 200
            r = admin.post(f"/v1/admin/after-sales/{rid}/inspection", json={
                "lines": [{"sku_id": line, "accepted_quantity": 1}]})
            assert r.status_code in (200, 409, 422), r.text
            STEPS["inspection", r.status_code, exchange] += 1
            if r.status_code != 200:  # e.g. refunds already gave every cent back: nothing moves
                o["status"] = "stuck"
                return
            self.on_hand[line] += 1
            if exchange:
                self.on_hand[other] -= 1
            else:
                o["refunded"] += r.json()["refunded_cents"]
            o["status"] = "done"

        # --- checks ------------------------------------------------------------------
        @invariant()
        def stock_matches_the_model_and_the_ledger(self):
            if not hasattr(self, "a"):
                return
            levels = admin.get("/v1/admin/stock", params={"sku_id": [self.a, self.b]}).json()
            on_hand = {s: 0 for s in (self.a, self.b)}
            for lv in levels:
                assert lv["on_hand"] >= 0 and lv["reserved"] >= 0
                assert lv["on_hand"] >= lv["reserved"]
                on_hand[lv["sku_id"]] += lv["on_hand"]
            assert on_hand == self.on_hand
            assert admin.get("/v1/admin/stock/ledger-check").json()["consistent"] is True

        @invariant()
        def money_is_conserved_per_order(self):
            for oid, o in getattr(self, "orders", {}).items():
                ps = [self._payment(p) for p in o["payments"]]
                captured = sum(p["captured_cents"] for p in ps)
                refunded = sum(p["refunded_cents"] for p in ps)
                assert 0 <= refunded <= captured
                assert (captured, refunded) == (o["captured"], o["refunded"]), oid
                if o["status"] in ("paid", "delivered", "done"):
                    assert sum(p["status"] in ("succeeded", "refunded", "partially_refunded")
                               or p["captured_cents"] for p in ps) >= 1

        def _payment(self, pid: str) -> dict:
            return admin.get(f"/v1/payments/{pid}").json()

        def _pick(self, data, status: str) -> str | None:
            ids = [o for o, v in self.orders.items() if v["status"] == status]  # placement order
            # an index, not the ids themselves: ids are random per run, the draws must not be
            return ids[data.draw(st.integers(0, 999)) % len(ids)] if ids else None

    run_state_machine_as_test(Shop, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    # the interleavings really reached the interesting paths
    for path in (("callback", "paid"), ("callback", "duplicate"), ("refund", 201),
                 ("refund", 422), ("intercept", 200), ("inspection", 200, True),
                 ("inspection", 200, False)):
        assert STEPS[path] > 0, (path, dict(STEPS))
