"""Issue 16's shoppers in the simulated shop, after the planned days: some buy a phone in
three installments and repay (one in three late), some shop in a second market and
currency (BRL) and in Portuguese, and some order from abroad and pay duties. Each play is
its own module's; this registers who they need, calls them in order and gathers their
counters for the demo's summary.

The credit shoppers sign up months before the days (a line needs an account some weeks
old) and their three billing months end before the first planned day, so every bill is
in the past when the pipelines run."""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError
from transactional_api.simulator.credit import TERM, simulate_credit
from transactional_api.simulator.cross_border import run_cross_border
from transactional_api.simulator.markets import play_second_market
from transactional_api.simulator.translations import run_second_language

log = logging.getLogger("flywheel.simulator")

CREDIT_SHOPPERS = 6
# purchases this long before the first day: TERM billing months (31 days each) plus the
# late bill's ten days end before it
CREDIT_LEAD = timedelta(days=31 * TERM + 14)
ACCOUNT_AGE = timedelta(days=45)


def run(client: ApiClient, admin_token: str, *, seed: int, first_day: datetime,
        clock: datetime, shoppers: int = 4) -> dict:
    """``first_day``: the start of the simulated days; ``clock``: now for the market,
    cross-border and language plays."""
    out: dict = {}
    rng = random.Random(f"credit-and-borders:{seed}")
    start = first_day - CREDIT_LEAD
    accounts = _register(client, rng, CREDIT_SHOPPERS, start - ACCOUNT_AGE)
    skus = _phones(client, clock=start)
    out["credit"] = simulate_credit(client, admin_token=admin_token, shoppers=accounts,
                                    sku_ids=skus, start=start, seed=seed)
    out["second_market"] = play_second_market(client, admin_token=admin_token,
                                              shoppers=shoppers, seed=seed, clock=clock)
    out["cross_border"] = asdict(run_cross_border(client, admin_token=admin_token,
                                                  clock=clock, shoppers=shoppers, seed=seed))
    tokens = [client.login(email, password, clock=clock) for email, password in accounts]
    out["language"] = asdict(run_second_language(
        client, admin_token=admin_token, clock=clock, shopper_tokens=tokens[:shoppers],
        seed=seed, products=60))
    return out


def _register(client: ApiClient, rng: random.Random, n: int,
              at: datetime) -> list[tuple[str, str]]:
    accounts = []
    for i in range(n):
        tag = uuid.UUID(int=rng.getrandbits(128)).hex[:10]
        email, password = f"credit-shopper-{tag}@flywheel.test", f"credit-{tag}-pass"
        try:
            client.post("/v1/auth/register", clock=at + timedelta(minutes=i),
                        json={"email": email, "password": password})
        except ApiError as exc:
            if exc.status >= 500:
                raise
            log.warning("credit shopper refused", extra={"code": exc.code})
            continue
        accounts.append((email, password))
    return accounts


def _phones(client: ApiClient, *, clock: datetime, most: int = 5) -> list[str]:
    """In-stock SKUs of the dearest physical goods: what people buy in installments."""
    products = [p for p in client.all_products(clock=clock)
                if p.get("kind", "physical") == "physical"]
    skus = sorted(((s.get("price_cents", 0), s["id"]) for p in products
                   for s in p.get("skus", []) if (s.get("available") or 0) > 3),
                  reverse=True)
    return [sku for _, sku in skus[:most]]
