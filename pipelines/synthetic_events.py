"""Synthetic but realistic behaviour events, landed in the lake exactly as the relay lands them.

For benchmarks and tests of the pipeline at scale (`flywheel bench pipeline`). The plan is
drawn with NumPy from one seed (so a seed always gives the same events), and DuckDB writes
the JSON lines, which is what makes ten million events take seconds rather than minutes.

What the events look like:
- visitors (anonymous ids; two in five also have an account) come back for several
  sessions, from the simulator's UTM channels, on a device;
- a session is a landing page_view, product_views, more page_views, and a funnel that
  thins out: add_to_cart, checkout_started, order_created, order_paid (order events carry
  the account, as the API's outbox does);
- sessions start over ``days`` days with a daily rhythm; events within a session are
  seconds to minutes apart;
- the relay writes one file per event type, occurred date and hour of arrival, named
  part-<arrival stamp>-<id>.jsonl, under <event_type>/date=<occurred date>/; a few
  sessions (``late_share``) reach the lake two days late, as an offline client's would.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from transactional_api.simulator.shoppers import CHANNELS

_CHANNELS = tuple(CHANNELS.values())
_CHANNEL_WEIGHTS = np.array([c.weight for c in _CHANNELS]) / sum(c.weight for c in _CHANNELS)
_DEVICES = ("mobile", "desktop", "tablet")
_DEVICE_WEIGHTS = (0.58, 0.35, 0.07)
# Share of sessions starting in each UTC hour: quiet nights, busy evenings.
_HOURLY = np.array([1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 9, 9, 7, 4, 2.0])
_PAGES = ("/", "/category/home", "/category/kitchen", "/category/garden", "/deals", "/cart")
PRODUCTS = 5_000
# The steps of a session in the order they happen: landing page, product views, more pages,
# then the funnel.
STEPS = ("page_view", "product_view", "page_view", "add_to_cart", "checkout_started",
         "order_created", "order_paid")
LATE_DAYS = 2
CHUNK_EVENTS = 1_000_000
MEAN_EVENTS_PER_SESSION = 5.6  # what the step probabilities give on average


@dataclass(frozen=True)
class Landed:
    events: int
    files: int
    first_day: date
    last_day: date


def _sessions(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Per session: how many events of each funnel step it has."""
    page_views = rng.geometric(0.45, n).clip(1, 8)
    product_views = rng.poisson(2.5, n)
    cart = (product_views > 0) & (rng.random(n) < 0.35)
    carts = np.where(cart, rng.integers(1, 3, n), 0)
    checkout = cart & (rng.random(n) < 0.55)
    order = checkout & (rng.random(n) < 0.7)
    paid = order & (rng.random(n) < 0.85)
    return {"page_view": page_views, "product_view": product_views, "add_to_cart": carts,
            "checkout_started": checkout.astype(int), "order_created": order.astype(int),
            "order_paid": paid.astype(int)}


def _session_count(n_events: int) -> int:
    return int(n_events / MEAN_EVENTS_PER_SESSION * 1.2) + 8


def plan(n_events: int, *, start: date, days: int, seed: int | tuple[int, ...],
         late_share: float = 0.003, visitors: int | None = None) -> pa.Table:
    """Exactly ``n_events`` events as an Arrow table of plain columns (DuckDB formats them)."""
    rng = np.random.default_rng(seed)
    n_sessions = _session_count(n_events)
    while True:  # enough sessions to hold n_events (a small plan may fall short: draw more)
        steps = _sessions(rng, n_sessions)
        counts = np.stack([
            np.ones(n_sessions, int), steps["product_view"], steps["page_view"] - 1,
            steps["add_to_cart"], steps["checkout_started"], steps["order_created"],
            steps["order_paid"]], axis=1)
        if counts.sum() >= n_events:
            break
        n_sessions *= 2
    per_session = counts.sum(axis=1)
    keep = int(np.searchsorted(np.cumsum(per_session), n_events)) + 1
    counts, per_session = counts[:keep], per_session[:keep]
    # Visitors: a skewed draw, so some come back often and most come once or twice.
    visitors = visitors or max(1, keep // 3)
    visitor = (visitors * rng.random(keep) ** 1.6).astype(np.int64)
    start_at = np.datetime64(datetime.combine(start, time()), "us")
    day = rng.integers(0, days, keep)
    hour = rng.choice(24, keep, p=_HOURLY / _HOURLY.sum())
    session_start = (start_at + day * np.timedelta64(86_400, "s")
                     + hour * np.timedelta64(3_600, "s")
                     + rng.integers(0, 3_600_000_000, keep) * np.timedelta64(1, "us"))
    channel = rng.choice(len(_CHANNELS), keep, p=_CHANNEL_WEIGHTS)
    device = rng.choice(len(_DEVICES), keep, p=_DEVICE_WEIGHTS)
    product = np.minimum(rng.zipf(1.3, keep) - 1, PRODUCTS - 1)
    late = rng.random(keep) < late_share

    # One row per event: its session, its step, and its time from the session's start.
    starts = np.cumsum(per_session) - per_session
    session = np.repeat(np.arange(keep), per_session)[:n_events]
    step = np.repeat(np.tile(np.arange(len(STEPS)), keep), counts.ravel())[:n_events]
    position = np.arange(len(session)) - starts[session]
    gap_us = (rng.exponential(45.0, len(session)) + 1) * 1e6
    gap_us[position == 0] = 0
    elapsed = np.cumsum(gap_us)
    offset = (elapsed - elapsed[starts[session]]).astype(np.int64)
    occurred = session_start[session] + offset * np.timedelta64(1, "us")
    viewed = np.where(step == 1, np.minimum(rng.zipf(1.3, len(session)) - 1, PRODUCTS - 1),
                      product[session])
    return pa.table({
        "n": np.arange(len(session)),
        "step": step,
        "occurred_at": occurred,
        "visitor": visitor[session],
        "session": session,
        "channel": channel[session],
        "device": device[session],
        "product": viewed,
        "page": rng.integers(0, len(_PAGES), len(session)),
        "quantity": rng.integers(1, 4, len(session)),
        "carts": counts[session, 3],
        "late": late[session],
    })


def _channel_table() -> pa.Table:
    return pa.table({
        "channel": list(range(len(_CHANNELS))),
        "utm_source": [c.utm_source for c in _CHANNELS],
        "utm_medium": [c.utm_medium for c in _CHANNELS],
        "utm_campaign": [c.utm_campaign for c in _CHANNELS],
        "referrer": [c.referrer for c in _CHANNELS],
    })


def _price(product: str) -> str:
    # A product's price in cents, the same wherever it appears: 5.00 to 204.99.
    return f"(500 + ({product} * 7919) % 20000)"


_EVENTS_SQL = f"""
select
    substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
        || substr(h, 17, 4) || '-' || substr(h, 21, 12) as event_id,
    1 as schema_version,
    strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%fZ') as occurred_at,
    case when event_type in ('order_created', 'order_paid') or visitor % 5 < 2
        then 'u' || visitor end as user_id,
    'a' || visitor as anonymous_id,
    'web-{{prefix}}-' || session as session_id,
    {{'utm_source': c.utm_source, 'utm_medium': c.utm_medium, 'utm_campaign': c.utm_campaign,
      'referrer': c.referrer,
      'device': list_extract({list(_DEVICES)}, device + 1)}} as context,
    event_type,
    case event_type
        when 'page_view' then json_object('page', list_extract({list(_PAGES)}, page + 1))
        when 'product_view' then json_object(
            'product_id', 'p' || product, 'sku_id', 'sku-' || product || '-' || page % 3)
        when 'add_to_cart' then json_object(
            'product_id', 'p' || product, 'sku_id', 'sku-' || product || '-0',
            'quantity', quantity)
        when 'checkout_started' then json_object(
            'item_count', carts, 'subtotal_cents', carts * {_price('product')})
        when 'order_created' then json_object(
            'order_id', 'o-{{prefix}}-' || session, 'currency', 'USD',
            'total_cents', carts * {_price('product')},
            'items', [json_object('sku_id', 'sku-' || product || '-0', 'product_id',
                                  'p' || product, 'quantity', carts,
                                  'unit_price_cents', {_price('product')})],
            'points_spent', 0, 'points_discount_cents', 0)
        else json_object(
            'order_id', 'o-{{prefix}}-' || session, 'payment_id',
            'pay-{{prefix}}-' || session, 'amount_cents', carts * {_price('product')},
            'currency', 'USD', 'points_spent', 0, 'points_discount_cents', 0)
    end as payload,
    -- The relay's file: event type, occurred date, hour it reached the lake.
    event_type || '~' || strftime(occurred_at, '%Y-%m-%d') || '~'
        || strftime(date_trunc('hour', occurred_at + to_seconds(5)
                    + case when late then to_days({{late_days}}) else interval 0 day end),
                    '%Y%m%dT%H%M%S') as _file
from (
    select *, md5('{{prefix}}:' || n) as h, list_extract({list(STEPS)}, step + 1) as event_type
    from planned
) as e
join channels as c using (channel)
"""


def _write_chunk(conn: duckdb.DuckDBPyConnection, lake: Path, planned: pa.Table,
                 prefix: str) -> int:
    """Land one planned chunk; return the number of files written."""
    sql = _EVENTS_SQL.replace("{prefix}", prefix).replace("{late_days}", str(LATE_DAYS))
    staging = lake / f".synthetic-{prefix}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    conn.register("planned", planned)
    conn.execute(
        f"COPY ({sql}) TO '{staging}' "
        "(FORMAT json, PARTITION_BY (_file), WRITE_PARTITION_COLUMNS false)")
    conn.unregister("planned")
    files = 0
    for folder in sorted(staging.iterdir()):
        event_type, occurred, arrived = folder.name.split("=", 1)[1].split("~")
        target = lake / event_type / f"date={occurred}"
        target.mkdir(parents=True, exist_ok=True)
        for i, part in enumerate(sorted(folder.iterdir())):
            tag = hashlib.sha1(f"{prefix}{folder.name}{i}".encode()).hexdigest()[:12]
            os.replace(part, target / f"part-{arrived}000000-{tag}.jsonl")
            files += 1
    shutil.rmtree(staging, ignore_errors=True)
    return files


def land_synthetic(lake: Path, n_events: int, *, start: date, days: int = 30, seed: int = 7,
                   id_prefix: str = "", late_share: float = 0.003) -> Landed:
    """Write ``n_events`` events into ``lake`` in the relay's layout; return what landed.

    Planned and written a slice of the days at a time (CHUNK_EVENTS events), so memory stays
    flat whatever N; visitors are drawn from one pool, so they come back across slices.
    """
    if id_prefix and not id_prefix.isalnum():
        raise ValueError("id_prefix must be letters and digits")
    lake.mkdir(parents=True, exist_ok=True)
    chunks = max(1, -(-n_events // CHUNK_EVENTS))
    visitors = max(1, _session_count(n_events) // 3)
    files, first, last = 0, None, None
    with duckdb.connect() as conn:
        conn.register("channels", _channel_table())
        for k in range(chunks):
            n_k = n_events // chunks + (n_events % chunks if k == chunks - 1 else 0)
            day_from, day_to = k * days // chunks, max((k + 1) * days // chunks, 1)
            day_from = min(day_from, day_to - 1)
            planned = plan(n_k, start=start + timedelta(days=day_from),
                           days=day_to - day_from, seed=(seed, k), late_share=late_share,
                           visitors=visitors)
            files += _write_chunk(conn, lake, planned, f"{seed}{id_prefix}x{k}")
            lo, hi = _span(planned)
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
    return Landed(events=n_events, files=files, first_day=first, last_day=last)


def _span(planned: pa.Table) -> tuple[date, date]:
    times = planned.column("occurred_at")
    return (pc.min(times).as_py().date(), pc.max(times).as_py().date())


def default_start(days: int, today: date | None = None) -> date:
    """The first day of a history of ``days`` days ending the day before ``today``."""
    return (today or date.today()) - timedelta(days=days + 1)
