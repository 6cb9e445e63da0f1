"""What the demo's paid campaigns cost: one cost per campaign, channel and simulated day,
entered through the operators' endpoint so the ROI marts have spend to set revenue against.

Spend follows the plan's clicks (visits from the campaign's channel that day) at a cost per
click per channel, plus a small fixed daily amount (impressions that got no click), with a
seeded +-15% wobble. The newsletter costs its sending fee on every day. Channels without a
campaign (organic, direct) cost nothing.
"""

from __future__ import annotations

import logging
import random
from collections import Counter

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.shoppers import CHANNELS, Plan

log = logging.getLogger(__name__)

# channel name -> (cents per click, fixed cents per day)
PRICING: dict[str, tuple[int, int]] = {
    "brand_search": (45, 150),
    "generic_search": (120, 400),
    "paid_social": (90, 600),
    "newsletter": (0, 700),
}


def daily_costs(plan: Plan, seed: int) -> list[tuple[int, dict]]:
    """(day index, request body), one per paid channel and day; a pure function of
    (plan, seed)."""
    rng = random.Random(f"costs:{seed}")
    clicks = Counter((v.channel, v.day) for v in plan.visits)
    bodies = []
    for day, when in enumerate(plan.days):
        for name, (per_click, per_day) in PRICING.items():
            channel = CHANNELS[name]
            spend = (per_day + per_click * clicks[(name, day)]) * rng.uniform(0.85, 1.15)
            bodies.append((day, {
                "campaign": channel.utm_campaign, "source": channel.utm_source,
                "medium": channel.utm_medium, "day": when.isoformat(),
                "amount_cents": round(spend)}))
    return bodies


def record_campaign_costs(client: ApiClient, *, admin_token: str | None, plan: Plan,
                          seed: int) -> int:
    """Enter each day's costs as of that day's end; a cost already there (a re-run on the
    same shop) is left as it is. Returns the number entered."""
    if not admin_token:
        return 0
    entered = 0
    for day, body in daily_costs(plan, seed):
        try:
            client.post("/v1/admin/campaign-costs", json=body, token=admin_token,
                        clock=plan.day_ends[day])
            entered += 1
        except ApiError as exc:
            if exc.code != "campaign_cost_exists":
                raise
    log.info("campaign costs entered", extra={"costs": entered})
    return entered
