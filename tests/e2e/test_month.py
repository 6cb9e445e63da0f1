"""A simulated month through the whole loop, with the demo's reach campaigns active from
its first day: the marts' money equals the OLTP's to the cent on every day; automatic tags,
level upgrades and each campaign's sends and conversions in the marts agree with the OLTP
and the API; the Tags, Members and Reach pages show those figures; every page renders.
The demo's promotions and coupons run all month too: their cost in the marts equals the
paid orders' adjustments, coupons issued and redeemed equal the API's counts, and the
Promotions page shows them.
The month runs once, in the module fixture, for every test here."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import redis
import yaml
from sqlalchemy import create_engine, select, text
from streamlit.testing.v1 import AppTest

from dashboards import kpis
from pipelines.run import main as run_pipelines
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, LiveApi, make_settings, run_api
from tests.e2e import month_pricing
from tests.simulator.seeds import seed_with_paid_order
from transactional_api.accounts.models import User
from transactional_api.config import get_settings
from transactional_api.events import relay
from transactional_api.events.models import OutboxEvent
from transactional_api.members import consumer as members_consumer
from transactional_api.members.models import MemberAccount
from transactional_api.orders.models import Order
from transactional_api.reach import triggers as reach_triggers
from transactional_api.reach.models import Campaign, ReachMessage
from transactional_api.recommendations import keys as reco_keys
from transactional_api.simulator.client import ApiClient
from transactional_api.simulator.promotions import (
    CAMPAIGN,
    DemoOffers,
    create_demo_promotions,
)
from transactional_api.simulator.reach import create_demo_campaigns
from transactional_api.simulator.run import ensure_catalog, simulate
from transactional_api.tags import keys as tag_keys

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAYS = 30
SHOPPERS = 8
APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"


@dataclass(frozen=True)
class Month:
    settings: object
    summary: object
    api: LiveApi
    offers: DemoOffers | None = None


def _settle(api: LiveApi, timeout: float = 120.0) -> None:
    """Wait until the members consumer (levels) and the reach consumer (level-up messages)
    have read the whole outbox, each reading what the other emits, so nothing the month
    caused is written after the relay drains."""
    deadline = time.monotonic() + timeout
    while True:
        with api.sessions() as s:
            if not (members_consumer.pending(s) or reach_triggers.pending(s)):
                return
        if time.monotonic() > deadline:
            raise TimeoutError("the members and reach consumers did not catch up")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def month(tmp_path_factory, redis_server):
    var = tmp_path_factory.mktemp("month") / "var"
    settings = make_settings(var, redis_server.url, simulated_clock=True)
    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    mp = pytest.MonkeyPatch()
    for name, value in {"FLYWHEEL_VAR_DIR": str(var), "FLYWHEEL_REDIS_URL": redis_server.url,
                        "FLYWHEEL_DATABASE_URL": settings.resolved_database_url}.items():
        mp.setenv(name, value)
    get_settings.cache_clear()
    for api in run_api(settings):
        seed = seed_with_paid_order(SHOPPERS, DAYS)
        with ApiClient(api.url) as shop:
            # active from before the first simulated day, as `flywheel demo` does
            begin = datetime.now(UTC) - timedelta(days=DAYS, hours=1)
            create_demo_campaigns(shop, api.admin_token(), begin)
            ensure_catalog(shop, admin_token=api.admin_token(), seed=seed,
                           clock=begin - timedelta(hours=1))
            offers = create_demo_promotions(shop, api.admin_token(), begin,
                                            shop.all_products())
        summary = simulate(api.url, shoppers=SHOPPERS, days=DAYS, seed=seed,
                           admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD,
                           progress=False, offers=offers)
        _settle(api)
        relay.drain(sessions=api.sessions, lake_dir=settings.resolved_lake_dir,
                    redis_client=client, stream=settings.redis_stream, stream_maxlen=10_000)
        assert run_pipelines([]) == 0
        yield Month(settings, summary, api, offers)
    mp.undo()
    get_settings.cache_clear()


def _oltp_paid_by_day(settings) -> dict[str, tuple[int, int]]:
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            # GMV: the orders' value before points (points are a means of payment)
            "SELECT substr(paid_at, 1, 10), count(*), "
            "sum(total_cents + points_discount_cents) FROM orders "
            "WHERE paid_at IS NOT NULL GROUP BY 1")).all()
    engine.dispose()
    return {day: (int(n), int(gmv)) for day, n, gmv in rows}


def test_a_month_of_money_in_the_marts_equals_the_oltp_to_the_cent(month):
    settings, summary = month.settings, month.summary
    oltp = _oltp_paid_by_day(settings)
    # the shop really traded across the month, not on a day or two
    assert summary.paid_orders > 0 and len(oltp) >= DAYS // 3
    with duckdb.connect(str(settings.published_warehouse_path), read_only=True) as wh:
        kpis = {str(d): (int(n), int(g)) for d, n, g in wh.execute(
            "SELECT kpi_date, paid_orders, gmv_cents FROM marts.fct_daily_kpis "
            "WHERE paid_orders > 0").fetchall()}
        revenue = {str(d): (int(n), int(g)) for d, n, g in wh.execute(
            "SELECT revenue_date, sum(paid_orders), sum(gmv_cents) "
            "FROM marts.fct_daily_revenue GROUP BY 1 HAVING sum(paid_orders) > 0").fetchall()}
    assert kpis == oltp
    assert revenue == oltp


def _pages() -> list[str]:
    return re.findall(r'PAGES_DIR / "([a-z_]+\.py)"', APP.read_text())


def test_every_dashboard_page_renders_on_the_month(month):
    pages = _pages()
    assert len(pages) >= 10  # the parse found the navigation, not nothing
    app = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    for page in pages:
        app.switch_page(f"pages/{page}").run()
        assert not app.exception, (page, [e.value for e in app.exception])


# --- members, tags and reach over the month ------------------------------------------
PAGES = APP.parent / "pages"
# the Tags page's tile per flag tag (importing the page would run it)
FLAG_TILES = {"high_potential": "High potential", "dormant_90d": "Dormant 90 days",
              "price_sensitive": "Price sensitive", "frequent_returner": "Frequent returners"}
DBT_PROJECT = APP.parents[1] / "dbt_project" / "dbt_project.yml"


def _published(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.published_warehouse_path), read_only=True) as wh:
        return wh.execute(sql).fetchall()


def _page(name: str) -> AppTest:
    app = AppTest.from_file(str(PAGES / name), default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _served_automatic_tags(month: Month) -> dict[str, dict[str, str]]:
    """Every shopper's automatic tags as the API serves them (from what the pipeline
    published to Redis), read through the admin endpoint."""
    with month.api.sessions() as s:
        users = s.scalars(select(User.id)).all()  # the operator too: no tags
    with month.api.client(month.api.admin_token()) as admin:
        served = {}
        for user_id in users:
            r = admin.get(f"/v1/admin/users/{user_id}/tags")
            assert r.status_code == 200, r.text
            tags = {t["name"]: t["value"] for t in r.json()["tags"] if t["kind"] == "automatic"}
            if tags:
                served[user_id] = tags
    return served


def _oltp_levels(month: Month) -> dict[str, str]:
    with month.api.sessions() as s:
        return dict(s.execute(select(MemberAccount.user_id, MemberAccount.level)).all())


def _oltp_upgrades(month: Month) -> Counter:
    """(day, level moved to) -> upgrades, from the member_level_changed events the OLTP
    wrote to its outbox."""
    with month.api.sessions() as s:
        records = s.scalars(select(OutboxEvent.record)
                            .where(OutboxEvent.event_type == "member_level_changed")).all()
    ups: Counter = Counter()
    for record in map(json.loads, records):
        if record["payload"]["direction"] == "upgrade":
            day = datetime.fromisoformat(record["occurred_at"]).astimezone(UTC).date()
            ups[(day, record["payload"]["to_level"])] += 1
    return ups


@dataclass(frozen=True)
class ReachDay:
    recipients: frozenset[str]
    converted: frozenset[str]  # recipients with a paid order within the window after a send


def _oltp_reach(month: Month) -> tuple[dict[str, str], Counter, dict[tuple[str, date], ReachDay]]:
    """Campaign names, sent messages per campaign, and per campaign and day of sending its
    recipients and those who converted, all from the OLTP's own rows."""
    window = timedelta(days=yaml.safe_load(DBT_PROJECT.read_text())["vars"]
                       ["reach_attribution_days"])
    with month.api.sessions() as s:
        names = dict(s.execute(select(Campaign.id, Campaign.name)).all())
        sent = s.execute(select(ReachMessage.campaign_id, ReachMessage.user_id,
                                ReachMessage.sent_at).where(ReachMessage.status == "sent")).all()
        paid = s.execute(select(Order.user_id, Order.paid_at)
                         .where(Order.paid_at.is_not(None))).all()
    paid_at: dict[str, list[datetime]] = {}
    for user_id, at in paid:
        paid_at.setdefault(user_id, []).append(at)
    recipients: dict[tuple[str, date], set[str]] = {}
    converted: dict[tuple[str, date], set[str]] = {}
    for campaign_id, user_id, at in sent:
        key = (campaign_id, at.date())
        recipients.setdefault(key, set()).add(user_id)
        converted.setdefault(key, set())
        if any(at < p <= at + window for p in paid_at.get(user_id, [])):
            converted[key].add(user_id)
    days = {k: ReachDay(frozenset(v), frozenset(converted[k])) for k, v in recipients.items()}
    return names, Counter(c for c, _, _ in sent), days


def test_automatic_tags_in_the_mart_are_the_ones_the_api_serves(month):
    mart: dict[str, dict[str, str]] = {}
    for user_id, tag, value in _published(month.settings, "select user_id, tag, tag_value "
                                                          "from marts.fct_user_auto_tags"):
        mart.setdefault(user_id, {})[tag] = value
    assert mart, "the month tagged nobody"
    assert any("rfm_segment" in tags for tags in mart.values())
    served = _served_automatic_tags(month)
    # high_intent comes from the recommendation bundle (the intent model), not the mart:
    # its carriers are exactly the bundle's high-potential users
    bundle_tagged = {u for u, tags in served.items() if set(tags) & set(tag_keys.BUNDLE_TAGS)}
    client = redis.Redis.from_url(month.settings.redis_url, decode_responses=True)
    version = client.get(reco_keys.RECO_CURRENT)
    assert version, "the month's pipeline published no recommendation bundle"
    assert bundle_tagged == client.smembers(reco_keys.intent_high_potential(version))
    client.close()
    warehouse_tags = {u: {t: v for t, v in tags.items() if t not in tag_keys.BUNDLE_TAGS}
                      for u, tags in served.items()}
    assert {u: t for u, t in warehouse_tags.items() if t} == mart
    # the member level tag is each member's level in the shop's own books
    assert {u: tags["member_level"] for u, tags in mart.items() if "member_level" in tags} \
        == _oltp_levels(month)


def test_level_upgrades_in_the_mart_agree_with_the_oltp(month):
    upgrades = _oltp_upgrades(month)
    assert sum(upgrades.values()) > 0, "nobody moved up a level in the month"
    rows = _published(month.settings, "select activity_date, level, members, upgrades_in "
                                      "from marts.fct_member_levels_daily")
    assert Counter({(d, lv): n for d, lv, _, n in rows if n}) == upgrades
    last = max(d for d, _, _, _ in rows)
    assert {lv: n for d, lv, n, _ in rows if d == last and n} \
        == Counter(_oltp_levels(month).values())


def test_reach_sends_and_conversions_in_the_mart_agree_with_the_oltp(month):
    names, sends, days = _oltp_reach(month)
    assert {names[c] for c in sends} >= {"Level-up congratulation", "Abandoned cart reminder"}
    rows = _published(month.settings, "select campaign_id, send_date, sends, "
                                      "unique_recipients, conversions "
                                      "from marts.fct_reach_campaigns")
    mart_sends: Counter = Counter()
    for campaign_id, _, n, _, _ in rows:
        mart_sends[campaign_id] += n
    assert mart_sends == sends
    assert {(c, d): (r, n) for c, d, _, r, n in rows} == {
        k: (len(v.recipients), len(v.converted)) for k, v in days.items()}
    assert sum(len(v.converted) for v in days.values()) > 0, "no send was followed by a sale"
    # some came from shoppers following a message's link: paid orders the clicker placed
    # in the half hour after the click (planned visits end hours before the day does)
    with month.api.sessions() as s:
        clicks = s.execute(select(ReachMessage.user_id, ReachMessage.clicked_at)
                           .where(ReachMessage.clicked_at.is_not(None))).all()
        orders = s.execute(select(Order.user_id, Order.created_at)
                           .where(Order.paid_at.is_not(None))).all()
    after_click = {(u, at) for u, at in orders for cu, click in clicks
                   if u == cu and click < at <= click + timedelta(minutes=30)}
    assert month.summary.reach_clicks == len(clicks)
    # a bank transfer pays later: the OLTP may count it, the summary does not
    assert len(after_click) >= month.summary.reach_purchases > 0


def test_reach_page_shows_the_campaigns_sends_and_conversions(month):
    names, sends, days = _oltp_reach(month)
    app = _page("reach.py")
    tiles = _metrics(app)
    assert tiles["Sends"] == kpis.format_count(sum(sends.values()))
    recipients = sum(len(v.recipients) for v in days.values())
    conversions = sum(len(v.converted) for v in days.values())
    assert tiles["Conversion rate"] == kpis.format_rate(conversions / recipients)
    table = app.dataframe[0].value
    per_campaign = {names[c]: (n, sum(len(v.converted) for (c2, _), v in days.items()
                                      if c2 == c)) for c, n in sends.items()}
    assert {r.campaign_name: (int(r.sends), int(r.conversions))
            for r in table.itertuples()} == per_campaign


def test_members_page_shows_the_upgrades_and_levels(month):
    levels = _oltp_levels(month)
    tiles = _metrics(_page("members.py"))
    assert tiles["Upgrades"] == kpis.format_count(sum(_oltp_upgrades(month).values()))
    assert tiles["Members"] == kpis.format_count(len(levels))
    base = get_settings().members_levels[0].name
    assert tiles["Above the first level"] == kpis.format_count(
        sum(1 for lv in levels.values() if lv != base))


def test_tags_page_counts_the_tags_the_api_serves(month):
    served = _served_automatic_tags(month)
    app = _page("tags.py")
    tiles = _metrics(app)
    for flag, label in FLAG_TILES.items():
        assert tiles[label] == kpis.format_count(
            sum(1 for tags in served.values() if tags.get(flag) == "true")), flag


# --- promotions and coupons over the month --------------------------------------------
@pytest.fixture(scope="module")
def month_orders(month) -> list[dict]:
    return month_pricing.api_orders(month.api)


def test_promotion_cost_in_the_marts_equals_the_paid_orders_adjustments(month, month_orders):
    by_day = month_pricing.cost_by_day(month_orders)
    assert sum(by_day.values()) > 0, "no paid order got a discount in the month"
    mart = {str(d): int(c) for d, c in _published(
        month.settings, "select cost_date, sum(discount_cost_cents) "
                        "from marts.fct_promotion_cost_daily group by 1 having sum("
                        "discount_cost_cents) > 0")}
    assert mart == dict(by_day)
    by_source = month_pricing.cost_by_source(month_orders)
    # several lanes took part, not one promotion alone
    assert len([n for n, c in by_source.items() if c]) >= 3, by_source
    # the tiered reduction is tied to the paid-social campaign: its ROI counts the cost of
    # every paid order it discounted (each has a last touch: the simulator tags them all)
    (roi,) = _published(month.settings, "select coalesce(sum(discount_cost_cents), 0) from "
                                        "marts.fct_campaign_roi where attribution_model = "
                                        f"'last_touch' and utm_campaign = '{CAMPAIGN}'")
    assert roi[0] == by_source["Spend more, save more"]


def test_coupons_issued_and_redeemed_in_the_marts_equal_the_apis_counts(month, month_orders):
    api = month_pricing.coupon_counts(month.api, month_orders, month.offers)
    (issued, by_code, redeemed, net), = _published(
        month.settings, "select sum(issued), sum(issued_code), sum(redeemed), "
                        "sum(net_redeemed) from marts.fct_coupon_templates_daily")
    assert api.issued > 0 and api.redeemed > 0, api
    assert (issued, by_code, redeemed, net) == (api.issued, api.codes_used, api.redeemed,
                                                api.net_redeemed)
    s = month.summary  # every coupon the shop issued, the simulated shoppers took
    assert api.issued == s.coupon_claims + s.new_user_coupons + s.codes_redeemed
    assert api.codes_used == s.codes_redeemed


def test_promotions_page_shows_the_coupons_and_the_discount_cost(month, month_orders):
    api = month_pricing.coupon_counts(month.api, month_orders, month.offers)
    tiles = _metrics(_page("promotions.py"))
    assert tiles["Coupons issued"] == kpis.format_count(api.issued)
    assert tiles["Net redeemed"] == kpis.format_count(api.net_redeemed)
    assert tiles["Discount cost"] == kpis.format_cents(
        sum(month_pricing.cost_by_day(month_orders).values()),
        get_settings().default_currency)
