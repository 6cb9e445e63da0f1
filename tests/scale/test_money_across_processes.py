"""Three API processes over one database (SQLite file, then PostgreSQL) take checkouts,
payments and concurrent refunds of the same payments at once. Every paid order is
captured exactly once, refunds never exceed what was captured, each refund that answered
201 is in the ledger, and the stock adds up."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

SHOPPERS, ROUNDS, STOCK = 12, 3, 1000


def _post(url: str, path: str, token: str, **kw) -> httpx.Response:
    return httpx.post(f"{url}{path}", headers={"Authorization": f"Bearer {token}",
                                               **kw.pop("headers", {})}, timeout=120, **kw)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_processes_capture_once_and_never_refund_more_than_captured(engine, tmp_path,
                                                                     redis_server, request):
    var = tmp_path / "var"
    url = (f"sqlite:///{var}/oltp.sqlite3" if engine == "sqlite"
           else request.getfixturevalue("postgres_db"))
    var.mkdir()
    procs = [start_api_process(var, url, redis_server.url)]
    procs += [start_api_process(var, url, redis_server.url) for _ in range(2)]
    apis = [u for _, u in procs]
    try:
        admin = httpx.post(f"{apis[0]}/v1/auth/login", json={
            "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]
        cat = _post(apis[0], "/v1/admin/categories", admin,
                    json={"name": "M", "slug": "m"}).json()["id"]
        product = _post(apis[0], "/v1/admin/products", admin, json={
            "category_id": cat, "name": "Money", "status": "listed",
            "skus": [{"code": f"M{i}", "price_cents": 1000 + 7 * i, "stock": STOCK}
                     for i in range(3)]}).json()
        skus = [s["id"] for s in product["skus"]]
        tokens = [httpx.post(f"{apis[i % 3]}/v1/auth/register", json={
            "email": f"{engine}-m{i}@example.com", "password": "money-pass-1"},
            timeout=60).json()["token"] for i in range(SHOPPERS)]

        paid_by: dict[str, str] = {}

        def shop(i: int) -> list[str]:
            placed = []
            for r in range(ROUNDS):
                api = apis[(i + r) % 3]
                order = _post(api, "/v1/orders", tokens[i], json={"items": [
                    {"sku_id": skus[(i + r) % 3], "quantity": 1 + r}]})
                assert order.status_code == 201, order.text
                pay = _post(apis[(i + r + 1) % 3], f"/v1/orders/{order.json()['id']}/payments",
                            tokens[i], json={})
                assert pay.status_code == 202, pay.text
                paid_by[order.json()["id"]] = pay.json()["id"]
                placed.append(order.json()["id"])
            return placed

        with ThreadPoolExecutor(SHOPPERS) as pool:
            orders = [o for batch in pool.map(shop, range(SHOPPERS)) for o in batch]
        deadline = time.monotonic() + 60
        while True:
            got = [httpx.get(f"{apis[0]}/v1/orders/{o}", timeout=60, headers={
                "Authorization": f"Bearer {admin}"}).json() for o in orders]
            if all(o["status"] == "paid" for o in got) or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert [o["status"] for o in got] == ["paid"] * len(orders)

        # three processes each try to refund 40 % of every order at once: two fit, one not
        def refund(job: tuple[int, dict]) -> tuple[str, int, int]:
            n, order = job
            pid = paid_by[order["id"]]
            amount = order["total_cents"] * 40 // 100
            r = _post(apis[n % 3], f"/v1/admin/payments/{pid}/refunds", admin,
                      headers={"Idempotency-Key": uuid.uuid4().hex},
                      json={"amount_cents": amount, "reason": "race"})
            assert r.status_code in (201, 422), r.text
            return order["id"], r.status_code, amount

        jobs = [(n, o) for o in got for n in range(3)]
        with ThreadPoolExecutor(18) as pool:
            results = list(pool.map(refund, jobs))
        for o in got:
            pid = paid_by[o["id"]]
            p = httpx.get(f"{apis[2]}/v1/payments/{pid}", timeout=60,
                          headers={"Authorization": f"Bearer {admin}"}).json()
            ok = [a for oid, code, a in results if oid == o["id"] and code == 201]
            assert p["captured_cents"] == o["total_cents"]
            assert p["refunded_cents"] == sum(ok) <= p["captured_cents"]
            assert len(ok) == 2  # 2 x 40 % fit, the third would pass 100 %
        sold = {s: 0 for s in skus}
        for o in got:
            for item in o["items"]:
                sold[item["sku_id"]] += item["quantity"]
        levels = httpx.get(f"{apis[1]}/v1/admin/stock", params={"sku_id": skus}, timeout=60,
                           headers={"Authorization": f"Bearer {admin}"}).json()
        assert {x["sku_id"]: (x["on_hand"], x["reserved"]) for x in levels} == {
            s: (STOCK - n, 0) for s, n in sold.items()}
        check = httpx.get(f"{apis[0]}/v1/admin/stock/ledger-check", timeout=60,
                          headers={"Authorization": f"Bearer {admin}"}).json()
        assert check["consistent"] is True
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(15)

