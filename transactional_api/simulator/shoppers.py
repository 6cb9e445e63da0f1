"""The planning layer: who visits when, from which channel, and what they intend to do.

Pure functions of (seed, shoppers, days, catalog, now): no HTTP here, so a test can check
that one seed always yields one script. The runner turns steps into requests.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class Channel:
    name: str
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    referrer: str | None
    propensity: float  # chance that an engaged visit ends in an order
    weight: float  # share of first visits

    def context(self, device: str) -> dict[str, Any]:
        return {
            "utm_source": self.utm_source,
            "utm_medium": self.utm_medium,
            "utm_campaign": self.utm_campaign,
            "referrer": self.referrer,
            "device": device,
        }


CHANNELS: dict[str, Channel] = {c.name: c for c in (
    Channel("brand_search", "google", "cpc", "brand", "https://www.google.com/", 0.45, 0.15),
    Channel("generic_search", "google", "cpc", "generic", "https://www.google.com/", 0.2, 0.15),
    Channel("paid_social", "facebook", "paid_social", "spring", "https://m.facebook.com/",
            0.08, 0.25),
    Channel("newsletter", "newsletter", "email", "weekly", None, 0.35, 0.05),
    Channel("organic", "google", "organic", None, "https://www.google.com/", 0.18, 0.2),
    Channel("direct", None, None, None, None, 0.3, 0.2),
)}
# Visits that follow a reach message's link (simulator/reach.py). Never planned, so kept out
# of CHANNELS, whose order and weights the planner draws from.
REACH_CHANNEL = Channel("reach", "flywheel", "reach", "reach", None, 0.0, 0.0)


def channel_named(name: str) -> Channel:
    return REACH_CHANNEL if name == REACH_CHANNEL.name else CHANNELS[name]


@dataclass(frozen=True)
class Persona:
    name: str
    visit_chance: float
    intent: float  # multiplies the channel's propensity
    browse_depth: int  # mean product views per engaged visit
    logs_in: float  # chance a registered shopper logs in at the start of a visit


PERSONAS = (
    Persona("loyal", 0.8, 1.6, 4, 0.85),
    Persona("casual", 0.55, 1.0, 3, 0.5),
    Persona("window_shopper", 0.45, 0.35, 6, 0.3),
    Persona("bargain_hunter", 0.6, 0.8, 5, 0.6),
)
_PERSONA_WEIGHTS = (0.2, 0.4, 0.25, 0.15)
_DEVICES = ("mobile", "desktop", "tablet")
_DEVICE_WEIGHTS = (0.58, 0.35, 0.07)


@dataclass(frozen=True)
class PlannedProduct:
    """What the planner needs from the catalog; ordered deterministically by the caller."""

    product_id: str
    category: str  # a stable key (slug), not a server id, so plans repeat across databases
    name: str
    sku_ids: tuple[str, ...]


@dataclass(frozen=True)
class Shopper:
    index: int
    anonymous_id: str
    email: str
    password: str
    persona: Persona
    device: str
    acquisition: str  # channel name of the first visit
    favourite_categories: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    kind: str  # page_view|search|product_view|login|add_to_cart|remove_from_cart|
    # checkout_started|place_order|pay|cancel_order
    at: datetime
    args: tuple[tuple[str, Any], ...] = ()

    def arg(self, name: str, default: Any = None) -> Any:
        return dict(self.args).get(name, default)


@dataclass
class Visit:
    shopper: int
    day: int
    session_id: str
    channel: str
    device: str
    steps: list[Step] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.steps[0].at


@dataclass
class Plan:
    shoppers: list[Shopper]
    days: list[date]
    visits: list[Visit]
    day_ends: list[datetime]


def rng_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def simulated_days(days: int, now: datetime) -> tuple[list[date], list[datetime], list[datetime]]:
    """Calendar days ending today (UTC); today's window stops at ``now`` so no visit is future."""
    today = now.astimezone(UTC).date()
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    starts = [datetime.combine(d, time(0), tzinfo=UTC) for d in dates]
    ends = [min(s + timedelta(days=1) - timedelta(seconds=1), now) for s in starts]
    return dates, starts, ends


def make_shoppers(rng: random.Random, count: int, categories: list[str]) -> list[Shopper]:
    channel_names = list(CHANNELS)
    weights = [CHANNELS[n].weight for n in channel_names]
    shoppers = []
    for i in range(count):
        anon = rng_uuid(rng)
        shoppers.append(Shopper(
            index=i,
            anonymous_id=anon,
            email=f"shopper{i:04d}.{anon[:8]}@example.com",
            password=f"pw-{anon[:12]}",
            persona=rng.choices(PERSONAS, _PERSONA_WEIGHTS)[0],
            device=rng.choices(_DEVICES, _DEVICE_WEIGHTS)[0],
            acquisition=rng.choices(channel_names, weights)[0],
            favourite_categories=tuple(rng.sample(categories, k=min(2, len(categories)))),
        ))
    return shoppers


class _Planner:
    def __init__(self, rng: random.Random, catalog: list[PlannedProduct]) -> None:
        self.rng = rng
        self.catalog = catalog
        # Zipf-like popularity so a few items are bestsellers; recommenders need the skew.
        self.popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(catalog))]
        rng.shuffle(self.popularity)
        self.by_category: dict[str, list[int]] = {}
        for i, p in enumerate(catalog):
            self.by_category.setdefault(p.category, []).append(i)
        self.registered: set[int] = set()
        self.visited: set[int] = set()

    def pick_product(self, shopper: Shopper) -> int:
        rng = self.rng
        pool = range(len(self.catalog))
        if rng.random() < 0.65:
            fav = [i for c in shopper.favourite_categories for i in self.by_category.get(c, [])]
            pool = fav or pool
        return rng.choices(list(pool), [self.popularity[i] for i in pool])[0]

    def channel_for(self, shopper: Shopper) -> Channel:
        rng = self.rng
        if shopper.index not in self.visited:
            return CHANNELS[shopper.acquisition]
        roll = rng.random()
        if roll < 0.35:
            return CHANNELS["direct"]
        if roll < 0.55 and shopper.index in self.registered:
            return CHANNELS["newsletter"]
        if roll < 0.75:
            return CHANNELS[shopper.acquisition]
        return CHANNELS[rng.choice(list(CHANNELS))]

    def visit(self, shopper: Shopper, day: int, start: datetime) -> Visit:
        rng = self.rng
        channel = self.channel_for(shopper)
        self.visited.add(shopper.index)
        device = shopper.device if rng.random() < 0.85 else rng.choice(_DEVICES)
        v = Visit(shopper.index, day, rng_uuid(rng), channel.name, device)
        clock = [start]
        long_pause_at = rng.randint(1, 4) if rng.random() < 0.06 else -1

        def add(kind: str, **args: Any) -> None:
            if v.steps:
                gap = rng.uniform(4, 150)
                if len(v.steps) == long_pause_at:
                    gap = rng.uniform(31 * 60, 90 * 60)  # a new GA4 session downstream
                clock[0] += timedelta(seconds=gap)
            v.steps.append(Step(kind, clock[0], tuple(sorted(args.items()))))

        logged_in = False
        if shopper.index in self.registered and rng.random() < shopper.persona.logs_in:
            # most returning shoppers are still signed in from last time (remember-me)
            add("login", fresh=rng.random() < 0.3)
            logged_in = True
        first = self.catalog[self.pick_product(shopper)] if self.catalog else None
        if channel.utm_medium == "cpc" and first is not None:
            add("page_view", page=f"/products/{first.product_id}")
        else:
            add("page_view", page="/")
        if rng.random() < 0.18 or not self.catalog:
            return v  # bounce
        views: list[int] = []
        for _ in range(max(1, int(rng.expovariate(1 / shopper.persona.browse_depth)) + 1)):
            roll = rng.random()
            idx = self.pick_product(shopper)
            prod = self.catalog[idx]
            if roll < 0.2:
                add("search", query=prod.name.split()[-1].lower())
            elif roll < 0.45:
                add("page_view", page=f"/categories/{prod.category}")
            add("product_view", product_id=prod.product_id,
                sku_id=rng.choice(prod.sku_ids) if rng.random() < 0.3 else None)
            views.append(idx)
        buy_chance = min(0.95, CHANNELS[channel.name].propensity * shopper.persona.intent)
        if rng.random() > min(0.95, buy_chance * 1.8):
            return v  # browsed, never added anything
        wanted = rng.sample(views, k=min(len(views), rng.choice((1, 1, 1, 2, 2, 3))))
        in_cart: list[tuple[str, str, int]] = []
        for idx in wanted:
            prod = self.catalog[idx]
            item = (prod.product_id, rng.choice(prod.sku_ids), rng.choice((1, 1, 1, 2, 3)))
            add("add_to_cart", product_id=item[0], sku_id=item[1], quantity=item[2])
            in_cart.append(item)
        if len(in_cart) > 1 and rng.random() < 0.25:
            pid, sku, qty = in_cart.pop(rng.randrange(len(in_cart)))
            add("remove_from_cart", product_id=pid, sku_id=sku, quantity=qty)
        if rng.random() > buy_chance / min(0.95, buy_chance * 1.8):
            return v  # abandoned cart
        if not logged_in:
            # guests cart freely; checkout asks for an account and the guest cart merges in
            add("login", fresh=rng.random() < 0.3)
            logged_in = True
            self.registered.add(shopper.index)
        add("checkout_started")
        if rng.random() < 0.1:
            return v  # abandoned checkout
        add("place_order", idempotency_key=rng_uuid(rng), resend=rng.random() < 0.05)
        roll = rng.random()
        if roll < 0.72:
            add("pay", outcome="succeed", idempotency_key=rng_uuid(rng))
        elif roll < 0.84:
            add("pay", outcome="fail", idempotency_key=rng_uuid(rng))
            if rng.random() < 0.6:
                add("pay", outcome="succeed", idempotency_key=rng_uuid(rng))
        elif roll < 0.92:
            add("cancel_order")
        # else: never paid; the day-end sweep expires it
        return v


def plan_simulation(
    *, seed: int, shoppers: int, days: int, catalog: list[PlannedProduct], now: datetime
) -> Plan:
    """The whole visit script; visits are ordered by start time."""
    rng = random.Random(f"plan:{seed}")
    categories = sorted({p.category for p in catalog}) or ["none"]
    people = make_shoppers(rng, shoppers, categories)
    dates, starts, ends = simulated_days(days, now)
    planner = _Planner(rng, catalog)
    visits: list[Visit] = []
    for day, (day_start, day_end) in enumerate(zip(starts, ends, strict=True)):
        window = max(60.0, (day_end - day_start).total_seconds() - 3 * 3600)
        slots = []
        for shopper in people:
            if rng.random() < shopper.persona.visit_chance:
                # evenings are busier than nights
                offset = rng.triangular(0.0, 1.0, 0.75) * window
                slots.append((day_start + timedelta(seconds=offset), shopper))
        slots.sort(key=lambda s: (s[0], s[1].index))
        visits.extend(planner.visit(shopper, day, start) for start, shopper in slots)
    return Plan(shoppers=people, days=dates, visits=visits, day_ends=ends)
