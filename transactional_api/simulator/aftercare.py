"""After delivery in the simulated shop: some shoppers send goods back (the operator
approves, the parcel comes back, inspection restocks it and the money goes back through
the original channel), some ask for an invoice once the order is complete, and loyal
buyers get a wallet credit they may pay with next time."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.reviews import Reviewer
from transactional_api.simulator.visits import TrackedOrder

log = logging.getLogger(__name__)
RETURN_SHARE, INVOICE_SHARE, GIFT_SHARE = 0.12, 0.8, 0.6
REASONS = ("damaged", "wrong_item", "not_as_described", "no_longer_needed", "late")


class Aftercare:
    def __init__(self, client: ApiClient, token: str | None, seed: int) -> None:
        self.client = client
        self.token = token
        self.rng = random.Random(f"aftercare:{seed}")
        self.watching: list[TrackedOrder] = []
        self.seen_users: set[str] = set()
        self.returns = 0
        self.invoices = 0
        self.gifts = 0
        self.reviewer = Reviewer(client, token, seed)

    def end_of_day(self, shipped: list[TrackedOrder], day_end: datetime) -> None:
        if not self.token:
            return
        self.watching += shipped
        for order in self.watching[:]:
            current = self._get(order)
            if current is None:
                continue
            self._gift(current, day_end)
            self.reviewer.consider(order, current, day_end)
            # the first delivered order always comes back, so every run shows a return
            if current["status"] == "delivered" and (
                    not self.returns or self.rng.random() < RETURN_SHARE):
                self._return(order, current, day_end)
                self.watching.remove(order)
            elif current["status"] == "completed":
                if not self.invoices or self.rng.random() < INVOICE_SHARE:
                    self._call("POST", f"/v1/orders/{order.order_id}/invoice", day_end,
                               token=order.token)
                    self.invoices += 1
                self.watching.remove(order)

    def _gift(self, order: dict[str, Any], at: datetime) -> None:
        user = order["user_id"]
        if user in self.seen_users:
            return
        self.seen_users.add(user)
        if self.rng.random() < GIFT_SHARE:
            self._call("POST", f"/v1/admin/wallets/{user}/credits", at,
                       json={"amount_cents": 15000, "note": "loyalty gift"},
                       headers={"Idempotency-Key": f"gift-{user}"})
            self.gifts += 1

    def _return(self, order: TrackedOrder, current: dict[str, Any], at: datetime) -> None:
        sub = next((s for s in current["sub_orders"]
                    if s["kind"] == "physical" and s["status"] == "delivered"), None)
        if sub is None:
            return
        line = next(i for i in current["items"] if i["sub_order_id"] == sub["id"])
        asked = self._call("POST", f"/v1/orders/{order.order_id}/after-sales", at,
                           token=order.token, json={
                               "type": "return_refund", "sub_order_id": sub["id"],
                               "reason_code": self.rng.choice(REASONS),
                               "lines": [{"sku_id": line["sku_id"], "quantity": 1}]})
        if asked is None:
            return
        rid = asked["id"]
        later = at + timedelta(minutes=30)
        if self._call("POST", f"/v1/admin/after-sales/{rid}/decision", later, json={
                "decision": "approve", "reason": "within the return window"}) is None:
            return
        self._call("POST", f"/v1/after-sales/{rid}/return-shipment", later, token=order.token,
                   json={"carrier": "sandbox", "tracking_number": f"RET{rid[:8].upper()}"})
        self._call("POST", f"/v1/admin/after-sales/{rid}/inspection", later + timedelta(hours=2),
                   json={"lines": [{"sku_id": line["sku_id"], "accepted_quantity": 1}]})
        self.returns += 1

    def _get(self, order: TrackedOrder) -> dict[str, Any] | None:
        try:
            return self.client.get(f"/v1/orders/{order.order_id}", token=self.token)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            return None

    def _call(self, method: str, path: str, clock: datetime, token: str | None = None,
              **kw: Any) -> Any:
        try:
            return self.client.request(method, path, token=token or self.token, clock=clock,
                                       **kw)
        except ApiError as exc:
            if exc.status >= 500:
                raise
            log.warning("after-sales step refused: %s", exc)
            return None


def reconcile(client: ApiClient, token: str | None, days: list[datetime]) -> int:
    """The finance team's morning: each simulated day's ledger against each channel's
    statement. One day's sandbox statement is made to lose an entry, so the demo has a
    mismatch to show. Returns the mismatches found."""
    if not token or not days:
        return 0
    found = 0
    planted = False
    for day_end in days:
        day = day_end.date().isoformat()
        if not planted:  # the first day the sandbox took money loses one statement entry
            try:
                client.post("/v1/admin/payments/sandbox/statement-faults", token=token,
                            json={"channel": "sandbox", "day": day, "action": "drop"})
                planted = True
            except ApiError as exc:  # nothing paid through the sandbox that day
                if exc.status >= 500:
                    raise
        try:
            run = client.post(f"/v1/admin/payments/reconciliation/{day}", token=token,
                              clock=day_end + timedelta(hours=8))
        except ApiError as exc:
            if exc.status >= 500:
                raise
            continue
        found += len(run.get("mismatches", [])) if isinstance(run, dict) else 0
    return found
