"""Documents follow the catalog and the stock: the sync job, reindexing, reconciling."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from tests.conftest import make_settings, run_api
from tests.search.conftest import admin_post, fresh_database, seed, wait_for
from transactional_api.catalog import search_source
from transactional_api.catalog.models import Product
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.search import service, state
from transactional_api.search.models import SearchDocument, SearchSyncState
from transactional_api.search.sync import SearchSync


@pytest.fixture
def admin(engine_api):
    with engine_api.client(engine_api.admin_token()) as c:
        yield c


def found(live, q: str) -> list[dict]:
    with live.client() as c:
        r = c.get("/v1/search", params={"q": q, "facets": "false"})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_catalog_changes_reach_search_without_a_reindex_call(engine_api, admin):
    cat = admin_post(admin, "/v1/admin/categories", {"name": "Tea", "slug": "tea"})["id"]
    word = f"oolong{uuid.uuid4().hex[:6]}"
    product = admin_post(admin, "/v1/admin/products", {
        "category_id": cat, "name": f"Tea {word}", "status": "listed",
        "skus": [{"code": f"T-{word}", "price_cents": 700, "stock": 2}]})
    [item] = wait_for(lambda: found(engine_api, word), what="the new product")
    assert item["in_stock"] is True and item["min_price_cents"] == 700
    # Stock sold out: in_stock follows (inventory's changed_skus_since).
    sku = product["skus"][0]["id"]
    r = admin.put(f"/v1/admin/skus/{sku}/stock", json={"available": 0})
    assert r.status_code == 200, r.text
    wait_for(lambda: [i for i in found(engine_api, word) if not i["in_stock"]],
             what="in_stock to turn false")
    # Repriced: the listing price follows.
    assert admin.put(f"/v1/admin/skus/{sku}/price", json={"price_cents": 650}).status_code == 200
    wait_for(lambda: [i for i in found(engine_api, word) if i["min_price_cents"] == 650],
             what="the new price")
    # Delisted: gone from search.
    admin_post(admin, f"/v1/admin/products/{product['id']}/transitions",
               {"action": "delist", "reason": "season over"})
    wait_for(lambda: not found(engine_api, word), what="the delisted product to go")


def test_reindex_all_rebuilds_every_listed_product_and_only_those(engine_api, admin):
    shop = seed(engine_api, admin)
    with transaction(engine_api.sessions) as s:
        assert service.reindex_all(session=s) == 6
        assert service.reindex_all(session=s) == 6  # idempotent
        ids = set(s.scalars(select(SearchDocument.product_id)))
    assert ids == {shop.products[k]["id"] for k in ("chef", "bread", "pan", "hose", "mug",
                                                    "racket")}


def test_reindex_products_drops_what_is_no_longer_listed(engine_api, admin):
    shop = seed(engine_api, admin)
    pid = shop.products["chef"]["id"]
    with transaction(engine_api.sessions) as s:
        s.execute(update(Product).where(Product.id == pid).values(
            status="delisted", updated_at=clock.now()))
        assert service.reindex_products(session=s, product_ids=[pid, "no-such-id"]) == 0
    assert all(i["product_id"] != pid for i in found(engine_api, "knife"))


def test_reconcile_repairs_documents_the_watermark_missed(engine_api, admin):
    shop = seed(engine_api, admin)
    pan, mug = shop.products["pan"]["id"], shop.products["mug"]["id"]
    with transaction(engine_api.sessions) as s:
        # A write stamped in the past (a late commit, or the simulator's clock): behind the
        # watermark, so only the reconcile can see it.
        s.execute(update(Product).where(Product.id == pan).values(
            name="Cast Iron Skillet", updated_at=clock.now() - timedelta(days=30)))
        s.execute(delete(SearchDocument).where(SearchDocument.product_id == mug))
    syncer = SearchSync(sessions=engine_api.sessions, read_sessions=engine_api.sessions,
                        reconcile_seconds=0)
    wait_for(lambda: syncer.run_once()["reconciled"], what="a reconcile round")
    assert [i["product_id"] for i in found(engine_api, "skillet")] == [pan]
    assert [i["product_id"] for i in found(engine_api, "mug")] == [mug]


def test_one_sync_job_works_at_a_time(engine_api):
    def first_round_done():
        with engine_api.sessions() as s:
            return s.get(SearchSyncState, state.STATE_ID).product_at is not None

    wait_for(first_round_done, what="the app's first sync round")  # then it stays idle
    with transaction(engine_api.sessions) as s:
        s.execute(update(SearchSyncState).values(lease_owner=None, lease_until=None))
    with transaction(engine_api.sessions) as s:
        assert state.claim(session=s, owner="a", seconds=60)
    with transaction(engine_api.sessions) as s:
        assert not state.claim(session=s, owner="b", seconds=60)
        assert state.claim(session=s, owner="a", seconds=60)  # renewal
    with transaction(engine_api.sessions) as s:
        state.release(session=s, owner="a")
    with transaction(engine_api.sessions) as s:
        assert state.claim(session=s, owner="b", seconds=-1)  # expired at once
    with transaction(engine_api.sessions) as s:
        assert state.claim(session=s, owner="a", seconds=60)  # an expired lease is free


def test_changed_since_pages_through_equal_timestamps(engine_api, admin):
    shop = seed(engine_api, admin)
    same = clock.now() + timedelta(days=1)
    ids = sorted(p["id"] for p in shop.products.values())
    with transaction(engine_api.sessions) as s:
        s.execute(update(Product).where(Product.id.in_(ids)).values(updated_at=same))
    seen, since, after = [], same - timedelta(microseconds=1), ""
    with engine_api.sessions() as s:
        while rows := search_source.changed_since(session=s, since=since, after_id=after,
                                                  limit=3):
            seen += [r[0] for r in rows]
            after, since = rows[-1][0], rows[-1][1]
    assert seen == ids  # every product once, in id order, though all share one timestamp


def test_a_renamed_product_is_found_by_its_new_name_only(engine_api, admin):
    shop = seed(engine_api, admin)
    pid = shop.products["racket"]["id"]
    r = admin.patch(f"/v1/admin/products/{pid}", json={"name": "Squash Bat"})
    assert r.status_code == 200, r.text
    # The full-text index follows the document (SQLite's triggers, PostgreSQL's
    # generated column), whichever writer rebuilt it: the catalog or the sync job.
    wait_for(lambda: [i["product_id"] for i in found(engine_api, "squash")] == [pid],
             what="the new name")
    assert found(engine_api, "tennis") == []


def test_api_processes_sharing_a_database_share_one_index(tmp_path, redis_server,
                                                          postgres_url):
    url = fresh_database(postgres_url)
    word = f"kettle{uuid.uuid4().hex[:6]}"
    for one in run_api(make_settings(tmp_path / "one", redis_server.url, database_url=url)):
        for two in run_api(make_settings(tmp_path / "two", redis_server.url,
                                         database_url=url)):
            with one.client(one.admin_token()) as admin_one:
                cat = admin_post(admin_one, "/v1/admin/categories",
                                 {"name": "Kitchen", "slug": "kitchen"})["id"]
                product = admin_post(admin_one, "/v1/admin/products", {
                    "category_id": cat, "name": f"Kettle {word}", "status": "listed",
                    "skus": [{"code": word, "price_cents": 2_500, "stock": 1}]})
            # Written through one process, found through the other; each runs the sync
            # job, and the lease lets one of them work at a time.
            [item] = wait_for(lambda: found(two, word), what="the product in process two")
            assert item["product_id"] == product["id"] and item["in_stock"]
            with two.client(two.admin_token()) as admin_two:
                sku = product["skus"][0]["id"]
                assert admin_two.put(f"/v1/admin/skus/{sku}/stock",
                                     json={"available": 0}).status_code == 200
            wait_for(lambda: [i for i in found(one, word) if not i["in_stock"]],
                     what="process one to see the sell-out")
