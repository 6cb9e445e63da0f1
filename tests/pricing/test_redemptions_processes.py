"""Two API processes over one database (SQLite file, then PostgreSQL) place orders in
parallel that all want one promotion with a usage limit and each shopper's one coupon:
the promotion is never used past its limit, a coupon never by two orders, and what the
promotion and the wallets say matches the orders' own breakdowns."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

SHOPPERS, ORDERS_EACH, USAGE_LIMIT = 6, 2, 3
REFUSALS = {(409, "promotion_unavailable"), (409, "coupon_unavailable")}


def _call(method: str, url: str, token: str | None = None, **kw) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.request(method, url, headers=headers, timeout=120, **kw)


def _setup(api: str, admin: str) -> tuple[str, str, str]:
    """A product with plenty of stock, the limited promotion, a coupon template."""
    run = uuid.uuid4().hex[:6]
    cat = _call("POST", f"{api}/v1/admin/categories", admin,
                json={"name": f"C{run}", "slug": f"c-{run}"}).json()["id"]
    product = _call("POST", f"{api}/v1/admin/products", admin, json={
        "category_id": cat, "name": "Widget", "status": "listed", "skus": [
            {"code": f"W-{run}", "name": "Widget", "price_cents": 4000,
             "stock": 1000}]})
    assert product.status_code == 201, product.text
    sku = product.json()["skus"][0]["id"]
    r = _call("POST", f"{api}/v1/admin/promotions", admin, json={
        "name": "First three", "kind": "amount_off", "params": {"amount_cents": 300},
        "usage_limit": USAGE_LIMIT, "currency": "USD",
        "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2100-01-01T00:00:00Z"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert _call("POST", f"{api}/v1/admin/promotions/{pid}/transitions", admin,
                 json={"action": "activate"}).status_code == 200
    r = _call("POST", f"{api}/v1/admin/coupon-templates", admin, json={
        "name": "Welcome", "kind": "percent_off", "params": {"percent_bp": 1000},
        "currency": "USD", "valid_days": 7, "per_user_limit": 1})
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert _call("POST", f"{api}/v1/admin/coupon-templates/{tid}/transitions", admin,
                 json={"action": "activate"}).status_code == 200
    return sku, pid, tid


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_parallel_orders_from_two_processes_hold_usage_and_coupons(engine, tmp_path,
                                                                   redis_server, request):
    var = tmp_path / "var"
    url = (f"sqlite:///{var}/oltp.sqlite3" if engine == "sqlite"
           else request.getfixturevalue("postgres_db"))
    var.mkdir()
    procs = [start_api_process(var, url, redis_server.url)]
    procs.append(start_api_process(var, url, redis_server.url))
    apis = [u for _, u in procs]
    try:
        admin = _call("POST", f"{apis[0]}/v1/auth/login", json={
            "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]
        sku, pid, tid = _setup(apis[0], admin)
        tokens = []
        for i in range(SHOPPERS):
            token = _call("POST", f"{apis[i % 2]}/v1/auth/register", json={
                "email": f"{engine}-r{i}-{uuid.uuid4().hex[:6]}@example.com",
                "password": "redeem-pass-1"}).json()["token"]
            r = _call("POST", f"{apis[(i + 1) % 2]}/v1/coupons/templates/{tid}/claim", token)
            assert r.status_code == 201, r.text
            tokens.append(token)

        def place(job: int) -> httpx.Response:
            return _call("POST", f"{apis[job % 2]}/v1/orders", tokens[job % SHOPPERS], json={
                "items": [{"sku_id": sku, "quantity": 1}], "shipping_region": "X"})

        with ThreadPoolExecutor(SHOPPERS * ORDERS_EACH) as pool:
            results = list(pool.map(place, range(SHOPPERS * ORDERS_EACH)))
        refused = {(r.status_code, r.json()["error"]["code"]) for r in results
                   if r.status_code != 201}
        assert refused <= REFUSALS, refused
        orders = [r.json() for r in results if r.status_code == 201]
        with_promo = [o for o in orders if any(a["promotion_id"] == pid and a["coupon_id"]
                                               is None for a in o["adjustments"])]
        coupons_used = [a["coupon_id"] for o in orders for a in o["adjustments"]
                        if a["coupon_id"] is not None]
        promotion = _call("GET", f"{apis[1]}/v1/admin/promotions/{pid}", admin).json()
        assert 1 <= len(with_promo) <= USAGE_LIMIT
        assert promotion["used_count"] == len(with_promo)
        assert promotion["spent_cents"] == sum(
            a["amount_cents"] for o in with_promo for a in o["adjustments"]
            if a["promotion_id"] == pid)
        assert len(coupons_used) == len(set(coupons_used)) <= SHOPPERS  # never twice
        wallets = [_call("GET", f"{apis[i % 2]}/v1/me/coupons", tokens[i]).json()["items"]
                   for i in range(SHOPPERS)]
        used = {c["id"] for w in wallets for c in w if c["status"] == "used"}
        assert used == set(coupons_used)
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            proc.wait(30)
