"""A tiny shop for the attribution marts: who came from where, who paid what, and what the
campaigns cost. The expected credits in test_attribution_marts.py are worked out by hand
from what is written here.

Channels (source / medium, campaign): B = google / cpc "brand", S = facebook / paid_social
"spring", N = newsletter / email "weekly", D = direct (no UTM), X = '(not set)' (an order
with no session at all).

  u1: D at P1-31d (outside the 30-day lookback), B at P1-14d, S at P1-7d, N at P1
      -> order o-a 10,000 cents paid at P1                      path B > S > N > conv
      and its old D session alone                              path D > null
  u2: S at P2-10min -> order o-b 5,000 cents paid at P2         path S > conv
  u3: D at P3-7d, B at P3 -> order o-c 3,001 cents paid at P3   path D > B > conv
  a4: (anonymous) S, never buys                                 path S > null
  u5: B, never pays (o-unpaid stays pending)                    path B > null
  u7: no session -> order o-d 700 cents paid at P7              path X > conv

Growth plays on those orders (their costs go to the order's last touch):
  o-a: 2 units at a flash price of 3,000 (list 4,000) and 1 at list -> flash 2,000
  o-b: 2 units at a group price of 2,500 (list 3,000)                 -> group 1,000
       commissions 250 (level 1) and 50 (level 2) accrued, 250 held, 100 reversed -> 200
  o-c: a points-mall redemption worth 200 cents of points, 50 given back -> points 150
  o-unpaid: a flash line (never paid, so no cost)
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pipelines.ingest.events import load_new_files
from tests.dbt import shop_story
from transactional_api.core.models import Base, Order, OrderItem, User
from transactional_api.events import contract as c
from transactional_api.events import marketing_events as me
from transactional_api.events import points_mall_events as pme
from transactional_api.events import promoter_events as pre
from transactional_api.events.lake import land

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DAY = timedelta(days=1)
P1 = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
P2 = datetime(2025, 3, 20, 15, 0, tzinfo=UTC)
P3 = datetime(2025, 3, 21, 9, 0, tzinfo=UTC)
P7 = datetime(2025, 3, 21, 18, 0, tzinfo=UTC)

B = ("google", "cpc", "brand")
S = ("facebook", "paid_social", "spring")
N = ("newsletter", "email", "weekly")
D = (None, None, None)

# (visitor: anonymous id or None, user id or None, session start, (source, medium, campaign))
SESSIONS = [
    (None, "u1", P1 - 31 * DAY, D),
    (None, "u1", P1 - 14 * DAY, B),
    (None, "u1", P1 - 7 * DAY, S),
    (None, "u1", P1, N),
    (None, "u2", P2 - timedelta(minutes=10), S),
    (None, "u3", P3 - 7 * DAY, D),
    (None, "u3", P3, B),
    ("a4", None, P1 - 10 * DAY, S),
    (None, "u5", P1 - 9 * DAY, B),
]
# order id -> (user, total_cents, paid_at or None)
ORDERS = {"o-a": ("u1", 10_000, P1), "o-b": ("u2", 5_000, P2), "o-c": ("u3", 3_001, P3),
          "o-d": ("u7", 700, P7), "o-unpaid": ("u5", 999, None)}
# campaign cost changes: (campaign channel, day, revision, amount or None = deleted, landing)
# Landing 2 comes after landing 1: brand's revision 1 arrives after its revision 2.
COSTS = [
    (B, date(2025, 3, 20), 2, 2_000, 1),
    (B, date(2025, 3, 20), 1, 5_000, 2),
    (S, date(2025, 3, 20), 1, 4_000, 1),
    (N, date(2025, 3, 20), 1, 1_000, 1),
    (N, date(2025, 3, 20), 2, None, 1),
    (B, date(2025, 3, 19), 1, 1_500, 1),
]
# order id -> lines (sku, price kind, list price, unit price, quantity)
PLAY_LINES = {
    "o-a": [("sku-f", "flash", 4_000, 3_000, 2), ("sku-l", "list", 4_000, 4_000, 1)],
    "o-b": [("sku-g", "group", 3_000, 2_500, 2)],
    "o-unpaid": [("sku-f", "flash", 1_500, 999, 1)],
}


def build_oltp(url: str) -> None:
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add_all([User(id=u, email=f"{u}@example.com", password_hash="x", role="shopper",
                        created_at=P1 - 60 * DAY) for u in ("u1", "u2", "u3", "u5", "u7")])
        for oid, (user, total, paid_at) in ORDERS.items():
            placed = (paid_at or P1) - timedelta(minutes=2)
            s.add(Order(id=oid, user_id=user, status="paid" if paid_at else "pending_payment",
                        currency="USD", subtotal_cents=total, discount_cents=0,
                        total_cents=total, created_at=placed, updated_at=placed,
                        expires_at=placed + timedelta(minutes=15), paid_at=paid_at))
        s.flush()
        for oid, lines in PLAY_LINES.items():
            s.add_all([OrderItem(order_id=oid, sku_id=sku, product_id=f"p-{sku}",
                                 product_name=sku, sku_name=sku, list_price_cents=listed,
                                 unit_price_cents=unit, price_kind=kind, quantity=qty,
                                 line_total_cents=unit * qty)
                       for sku, kind, listed, unit, qty in lines])
    engine.dispose()


def _commission(model, level: int, amount: int, state: str) -> dict:
    return c.to_record(model(occurred_at=P2 + timedelta(minutes=level), user_id="promoter-u",
                             payload={"commission_id": f"c{level}", "promoter_id": f"pr{level}",
                                      "order_id": "o-b", "buyer_id": "u2", "level": level,
                                      "amount_cents": amount, "currency": "USD",
                                      "state": state}))


def play_events() -> list[dict]:
    mall = {"redemption_id": "r1", "item_id": "item-1", "kind": "goods", "order_id": "o-c"}
    return [
        _commission(pre.CommissionAccrued, 1, 250, "pending"),
        _commission(pre.CommissionAccrued, 2, 50, "pending"),
        _commission(pre.CommissionHeld, 1, 250, "held"),
        _commission(pre.CommissionReversed, 1, 100, "reversed"),
        c.to_record(pme.PointsMallRedeemed(
            occurred_at=P3 - timedelta(minutes=3), user_id="u3",
            payload={**mall, "quantity": 1, "points": 2_000, "cash_cents": 3_001,
                     "currency": "USD", "points_value_cents": 200})),
        c.to_record(pme.PointsMallGivenBack(
            occurred_at=P3 + DAY, user_id="u3",
            payload={**mall, "reason": "refunded", "points": 500, "points_value_cents": 50,
                     "units_restocked": 0, "source_event_id": "ev-refund"})),
    ]


def _cost_event(channel, day: date, revision: int, amount: int | None) -> dict:
    source, medium, campaign = channel
    common = {"cost_id": f"{campaign}-{day}", "campaign": campaign, "source": source,
              "medium": medium, "day": day, "currency": "USD", "revision": revision}
    at = datetime.combine(day + DAY, datetime.min.time(), UTC) + timedelta(hours=revision)
    if amount is None:
        return c.to_record(me.CampaignCostDeleted(
            occurred_at=at, user_id="admin", payload={**common, "previous_amount_cents": 1_000}))
    return c.to_record(me.CampaignCostSet(occurred_at=at, user_id="admin",
                                          payload={**common, "amount_cents": amount}))


def landings() -> list[list[dict]]:
    sessions = [c.to_record(c.PageView(
        occurred_at=at, anonymous_id=visitor, user_id=user, payload={"page": "/"},
        context={"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}))
        for visitor, user, at, (source, medium, campaign) in SESSIONS]
    first = (sessions + [_cost_event(*cost[:4]) for cost in COSTS if cost[4] == 1]
             + play_events())
    second = [_cost_event(*cost[:4]) for cost in COSTS if cost[4] == 2]
    return [first, second]


MY_MARTS = ("+fct_campaign_roi", "+fct_channel_contribution", "+fct_channel_removal_effects",
            "+fct_daily_kpis")


def build(work: Path, project: Path | None = None
          ) -> tuple[subprocess.CompletedProcess, Path]:
    """The shop into a fresh warehouse, then `dbt build` of the marketing marts and what they
    read (and fct_daily_kpis, to compare with its GMV)."""
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    build_oltp(oltp_url)
    shop_story.load_warehouse(warehouse, work / "lake", oltp_url, landings())
    return run_dbt(work, project=project), warehouse


def run_dbt(work: Path, *, project: Path | None = None, dbt_vars: str | None = None
            ) -> subprocess.CompletedProcess:
    project = project or DBT_PROJECT
    env = {**os.environ, "FLYWHEEL_WAREHOUSE_PATH": str(work / "flywheel.duckdb"),
           "DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    extra = ["--vars", dbt_vars] if dbt_vars else []
    return subprocess.run(
        [str(dbt), "build", "--profiles-dir", str(project), "--project-dir", str(project),
         "--select", *MY_MARTS, "--indirect-selection", "cautious", *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=600)


# Landed two days after the first build: u3 also came by the newsletter 2 days before
# paying for o-c, so o-c's path becomes D (7 days) > N (2 days) > B (0 days).
LATE_SESSION = (None, "u3", P3 - 2 * DAY, N)


def land_late_session(work: Path) -> None:
    visitor, user, at, (source, medium, campaign) = LATE_SESSION
    record = c.to_record(c.PageView(
        occurred_at=at, anonymous_id=visitor, user_id=user, payload={"page": "/"},
        context={"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}))
    land(work / "lake", [record])
    with duckdb.connect(str(work / "flywheel.duckdb")) as conn:
        load_new_files(conn, work / "lake")
