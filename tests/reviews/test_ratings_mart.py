"""fct_product_ratings on a tiny shop: the story's catalog (tests/dbt/shop_story.py) and
review events landed like any other (at-least-once, so one of them twice). Every expected
number is worked out here from the events, not read off a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from tests.dbt import shop_story as story
from tests.dbt.test_metric_anomalies import _dbt
from transactional_api.events import review_events as rev
from transactional_api.events.contract import to_record

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
ADMIN = "admin1"
# review -> (product, merchant in the event, stars, final state); p9 is not in the catalog.
# p1 Mug and p2 Teapot are in Kitchen (c1), p3 Gift card in Home (c0); p2 is Nordic
# Goods' (m2), the others the shop's own.
REVIEWS = {
    "r1": ("p1", "self-operated", 5, "published"),
    "r2": ("p1", "self-operated", 4, "published"),
    "r3": ("p1", "self-operated", 4, "published"),
    "r4": ("p1", "self-operated", 1, "rejected"),
    "r5": ("p1", "self-operated", 3, "pending"),
    **{f"t{i}": ("p2", "m2", stars, "published")
       for i, stars in enumerate((5, 5, 5, 5, 4, 4, 3, 2))},
    "g1": ("p3", "self-operated", 2, "published"),
    "g2": ("p3", "self-operated", 5, "pending"),
    "x1": ("p9", "m9", 4, "published"),
}
REPLIED = ("r1", "t0", "t7")


def _events() -> list[dict]:
    out = []
    for n, (review, (product, merchant, stars, state)) in enumerate(REVIEWS.items()):
        at = T0 + timedelta(minutes=n)
        author = f"u-{review}"
        out.append(to_record(rev.ReviewSubmitted(occurred_at=at, user_id=author, payload={
            "review_id": review, "product_id": product, "sku_id": f"s-{product}",
            "order_id": f"o-{review}", "merchant_id": merchant, "rating": stars,
            "text_length": 10, "photo_count": 0})))
        if state != "pending":
            out.append(to_record(rev.ReviewModerated(
                occurred_at=at + timedelta(hours=1), user_id=ADMIN, payload={
                    "review_id": review, "product_id": product, "sku_id": f"s-{product}",
                    "merchant_id": merchant, "author_id": author, "rating": stars,
                    "from_status": "pending", "to_status": state,
                    "reason": "spam" if state == "rejected" else None})))
        if review in REPLIED:
            out.append(to_record(rev.ReviewReplied(
                occurred_at=at + timedelta(hours=2), user_id=ADMIN, payload={
                    "review_id": review, "product_id": product, "merchant_id": merchant,
                    "author_id": author, "text_length": 30})))
    # Nordic Goods withdraws its answer to t7, and answers t1, withdraws, answers again
    for review, hours, kind in (("t7", 3, "withdrawn"), ("t1", 2, "replied"),
                                ("t1", 3, "withdrawn"), ("t1", 4, "replied")):
        at = T0 + timedelta(hours=hours)
        ids = {"review_id": review, "product_id": "p2", "merchant_id": "m2",
               "author_id": f"u-{review}"}
        out.append(to_record(
            rev.ReviewReplied(occurred_at=at, user_id="staff-m2",
                              payload={**ids, "text_length": 12}) if kind == "replied"
            else rev.ReviewReplyDeleted(occurred_at=at, user_id="staff-m2", payload=ids)))
    return out


@pytest.fixture(scope="module")
def ratings(tmp_path_factory) -> dict[str, dict]:
    work = tmp_path_factory.mktemp("ratings")
    warehouse = work / "flywheel.duckdb"
    oltp_url = f"sqlite:///{work / 'oltp.sqlite3'}"
    story.build_oltp(oltp_url)
    events = _events()
    r1_published = next(e for e in events if e["event_type"] == "review_moderated")
    # r1's publication delivered twice: it must count once
    story.load_warehouse(warehouse, work / "lake", oltp_url, [events, [r1_published]])
    result = _dbt(work, warehouse, "build", "--select", "+fct_product_ratings",
                  "--indirect-selection", "cautious")
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        cursor = conn.execute("select * from marts.fct_product_ratings")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _pick(row: dict, *columns: str) -> tuple:
    return tuple(row[c] for c in columns)


COUNTS = ("reviews_submitted", "reviews_pending", "reviews_published", "reviews_rejected",
          "rating_sum", "rating_avg", "reviews_replied")
HISTOGRAM = ("rating_1", "rating_2", "rating_3", "rating_4", "rating_5")


def test_one_row_per_reviewed_product(ratings):
    assert sorted(ratings) == ["p1", "p2", "p3", "p9"]


def test_counts_stars_and_averages_per_product(ratings):
    # p1: 5 + 4 + 4 published = 13 / 3 = 4.333 -> 4.33; the 1 is rejected, the 3 pending
    assert _pick(ratings["p1"], *COUNTS) == (5, 1, 3, 1, 13, 4.33, 1)
    assert _pick(ratings["p1"], *HISTOGRAM) == (0, 0, 0, 2, 1)
    # p2: 5+5+5+5+4+4+3+2 = 33 / 8 = 4.125 -> 4.13 (half up, not to even)
    # p2: t0 answered; t7's answer withdrawn; t1 answered again after its withdrawal
    assert _pick(ratings["p2"], *COUNTS) == (8, 0, 8, 0, 33, 4.13, 2)
    assert _pick(ratings["p2"], *HISTOGRAM) == (0, 1, 1, 2, 4)
    # p3: one published 2, one pending
    assert _pick(ratings["p3"], *COUNTS) == (2, 1, 1, 0, 2, 2.0, 0)
    assert _pick(ratings["p9"], *COUNTS) == (1, 0, 1, 0, 4, 4.0, 0)


def test_category_and_merchant_ratings(ratings):
    cols = ("category_id", "category_name", "category_reviews_published",
            "category_rating_avg", "merchant_id", "merchant_name",
            "merchant_reviews_published", "merchant_rating_avg")
    # Kitchen = p1 + p2: 13 + 33 = 46 over 11 -> 4.1818 -> 4.18
    # the shop's own = p1 + p3: 13 + 2 = 15 over 4 -> 3.75
    assert _pick(ratings["p1"], *cols) == ("c1", "Kitchen", 11, 4.18, "self-operated",
                                           "Self-operated", 4, 3.75)
    assert _pick(ratings["p2"], *cols) == ("c1", "Kitchen", 11, 4.18, "m2", "Nordic Goods",
                                           8, 4.13)
    # Home = p3 alone (a category, not its subtree): 2 over 1
    assert _pick(ratings["p3"], *cols) == ("c0", "Home", 1, 2.0, "self-operated",
                                           "Self-operated", 4, 3.75)
    # not in the catalog: no category; the merchant the events name
    assert _pick(ratings["p9"], *cols) == (None, None, None, None, "m9", None, 1, 4.0)
    assert ratings["p1"]["product_name"] == "Mug"
