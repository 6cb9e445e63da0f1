"""Distribution in the simulation: at the end of each day a few signed-in shoppers apply to
become promoters (some with an earlier promoter's code, so teams form) and the operator
approves most of them; other shoppers arrive through a promoter's link and are bound to
their code, so their later orders earn commissions at two levels. The operator then
applies the day's payments, refunds and completions and matures what is due
(``/v1/admin/promoters/run`` at the day's end), and promoters with a withdrawable balance
ask for part of it, which finance approves and pays out (or now and then rejects).

Call ``SimPromoters.end_of_day`` from the simulator's day loop, after the visits and
before the day's operations, like SimReach."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from transactional_api.simulator.client import ApiClient, ApiError

if TYPE_CHECKING:
    from transactional_api.simulator.shoppers import Shopper
    from transactional_api.simulator.visits import VisitRunner

log = logging.getLogger(__name__)

APPLY_CHANCE = 0.04  # a signed-in shopper applies on a given day (until MAX_PROMOTERS)
MAX_PROMOTERS = 12
APPROVE_CHANCE = 0.85
RECRUITED_SHARE = 0.5  # applicants who came with an existing promoter's code
BIND_CHANCE = 0.15  # a signed-in shopper not yet bound arrives through a referral link
WITHDRAW_SHARE = 0.6  # of the withdrawable balance a promoter asks for


@dataclass
class PromoterCounters:
    applied: int = 0
    approved: int = 0
    bound: int = 0
    withdrawals: int = 0
    paid_out_cents: int = 0
    commissions_applied: int = 0


@dataclass
class SimPromoters:
    client: ApiClient
    admin_token: str | None
    seed: int | str
    runner: VisitRunner | None = None
    counters: PromoterCounters = field(default_factory=PromoterCounters)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"promoters:{self.seed}")
        self.codes: dict[int, str] = {}  # shopper index -> their approved code
        self.applied: set[int] = set()
        self.bound: set[int] = set()
        self.by_user: dict[str, int] = {}  # applicant's user id -> shopper index

    def end_of_day(self, shoppers: list[Shopper], day: int, day_end: datetime) -> None:
        if not self.admin_token or self.runner is None:
            return
        signed_in = [(s.index, t) for s in shoppers
                     if (st := self.runner.states.get(s.index)) and (t := st.token or
                                                                     st.remembered)]
        at = day_end - timedelta(minutes=30)
        try:
            self._apply(signed_in, at)
            self._decide(at)
            self._bind(signed_in, at)
            result = self.client.post("/v1/admin/promoters/run", token=self.admin_token,
                                      clock=day_end)
            self.counters.commissions_applied += result["applied"]
            self._withdraw(signed_in, day_end)
        except ApiError as exc:
            if exc.status == 404:  # an API without distribution: nothing to simulate
                self.admin_token = None
                return
            raise

    def _apply(self, signed_in: list[tuple[int, str]], at: datetime) -> None:
        for index, token in signed_in:
            if index in self.applied or len(self.applied) >= MAX_PROMOTERS \
                    or self.rng.random() >= APPLY_CHANCE:
                continue
            body = {"pitch": "I share what I buy"}
            if self.codes and self.rng.random() < RECRUITED_SHARE:
                body["parent_code"] = self.rng.choice(sorted(self.codes.values()))
            try:
                out = self.client.post("/v1/promoters/applications", token=token, json=body,
                                       clock=at)
            except ApiError as exc:
                if exc.status in (401, 409, 422):
                    continue  # signed out, already applied, or the code is their own team
                raise
            self.applied.add(index)
            self.by_user[out["user_id"]] = index
            self.counters.applied += 1

    def _decide(self, at: datetime) -> None:
        pending = self.client.get("/v1/admin/promoters", token=self.admin_token,
                                  params={"status": "applied"}, clock=at)["items"]
        for p in pending:
            approve = self.rng.random() < APPROVE_CHANCE
            body = {"decision": "approve"} if approve else \
                {"decision": "reject", "reason": "audience too small"}
            out = self.client.post(f"/v1/admin/promoters/{p['id']}/decision",
                                   token=self.admin_token, json=body, clock=at)
            if approve:
                self.counters.approved += 1
                if out["user_id"] in self.by_user:
                    self.codes[self.by_user[out["user_id"]]] = out["code"]

    def _bind(self, signed_in: list[tuple[int, str]], at: datetime) -> None:
        if not self.codes:
            return
        for index, token in signed_in:
            if index in self.bound or index in self.codes or self.rng.random() >= BIND_CHANCE:
                continue
            code = self.rng.choice(sorted(self.codes.values()))
            try:
                self.client.post("/v1/promoters/bind", token=token, json={"code": code},
                                 clock=at)
            except ApiError as exc:
                if exc.status in (401, 422):
                    continue
                raise
            self.bound.add(index)
            self.counters.bound += 1

    def _withdraw(self, signed_in: list[tuple[int, str]], at: datetime) -> None:
        for index, token in signed_in:
            if index not in self.codes:
                continue
            try:
                me = self.client.get("/v1/promoters/me", token=token, clock=at)
            except ApiError:
                continue
            amount = int(me["promoter"]["balances"]["withdrawable_cents"] * WITHDRAW_SHARE)
            if amount < 100:
                continue
            w = self.client.post("/v1/promoters/me/withdrawals", token=token,
                                 json={"amount_cents": amount}, clock=at)
            self.counters.withdrawals += 1
            base = f"/v1/admin/promoters/withdrawals/{w['id']}"
            if self.rng.random() < 0.1:
                self.client.post(f"{base}/review", token=self.admin_token, clock=at,
                                 json={"decision": "reject", "reason": "account check"})
                continue
            self.client.post(f"{base}/review", token=self.admin_token, clock=at,
                             json={"decision": "approve"})
            self.client.post(f"{base}/payout", token=self.admin_token, clock=at,
                             json={"reference": f"manual-{w['id'][:8]}"})
            self.counters.paid_out_cents += amount
