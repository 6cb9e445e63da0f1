"""The marketplace and supply chain in the simulated shop (issue 15): merchants apply, are
approved, pay their deposit and list goods (after the shoppers' catalog is planned, so a
seed plans the same visits with or without them); a supplier with contracts gets purchase
orders during the simulated days; and once the pipelines have published reorder
suggestions (the demo's second simulation), an operator turns one into a draft purchase
order. Buyers of their own buy each merchant's goods before the first day, so the
simulated days deliver and complete those sub-orders and the settlement run has them to
settle. Each step is its own module's; this calls them in order and gathers what they did
for the summary."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.merchant_orders import sell
from transactional_api.simulator.merchants import onboard_merchants
from transactional_api.simulator.procurement import play_procurement
from transactional_api.simulator.replenishment import accept_one_suggestion
from transactional_api.simulator.shoppers import PlannedProduct

log = logging.getLogger("flywheel.simulator")


class Marketplace:
    def __init__(self, client: ApiClient, admin_token: str | None, seed: int):
        self.client, self.admin_token, self.seed = client, admin_token, seed
        self.counters: dict = {}

    def onboard(self, clock: datetime) -> None:
        """Merchants, the first time this shop is simulated (a second run keeps them)."""
        if not self.admin_token:
            return
        known = self.client.get("/v1/admin/merchant-applications", token=self.admin_token,
                                clock=clock)
        if not known.get("items"):
            merchants = onboard_merchants(self.client, admin_token=self.admin_token,
                                          seed=self.seed, clock=clock)
            self.counters["merchants_onboarded"] = len(merchants)

    def sell(self, at: datetime) -> None:
        """Merchant orders, paid and shipped at ``at`` (before the first simulated day)."""
        if not self.admin_token:
            return
        got = sell(self.client, self.admin_token, seed=self.seed, at=at)
        self.counters.update({f"merchant_{k}": v for k, v in got.items()})

    def supply(self, catalog: Sequence[PlannedProduct], start: datetime,
               end: datetime) -> None:
        """The supplier's purchase orders over the simulated days."""
        if not self.admin_token:
            return
        try:
            got = play_procurement(self.client, self.admin_token, catalog=catalog,
                                   start=start, end=end, seed=self.seed)
        except ApiError as exc:  # the demo goes on; the logs say why
            log.warning("procurement play failed", extra={"status": exc.status})
            return
        orders = got.get("purchase_orders", [])
        self.counters["purchase_orders"] = [o["status"] for o in orders]
        self.counters["units_received"] = got.get("accepted", 0)
        self.counters["units_rejected"] = got.get("rejected", 0)

    def accept_suggestion(self) -> None:
        if not self.admin_token:
            return
        accepted = accept_one_suggestion(self.client, admin_token=self.admin_token)
        self.counters["reorder_suggestions"] = accepted.suggestions
        self.counters["reorder_draft_po"] = accepted.purchase_order_id
