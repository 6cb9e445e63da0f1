"""Several API processes sell the last units of a SKU, directly and through a bundle, from
one database: SQLite (one file) and PostgreSQL. Nothing is oversold, no checkout
deadlocks, and the ledger equals the levels afterwards."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

A_UNITS = 12


def _token(url: str, email: str, register: bool = True, password: str = "racer-pass-1") -> str:
    r = httpx.post(f"{url}/v1/auth/{'register' if register else 'login'}",
                   json={"email": email, "password": password}, timeout=60)
    r.raise_for_status()
    return r.json()["token"]


def _shop(url: str, admin: dict) -> dict[str, str]:
    cat = httpx.post(f"{url}/v1/admin/categories", json={"name": "Race", "slug": "race"},
                     headers=admin).json()["id"]
    parts = httpx.post(f"{url}/v1/admin/products", headers=admin, json={
        "category_id": cat, "name": "Parts", "status": "listed", "skus": [
            {"code": "A", "price_cents": 100, "stock": A_UNITS},
            {"code": "B", "price_cents": 100, "stock": 1000},
            {"code": "C", "price_cents": 100, "stock": 1000}]}).json()
    ids = {s["code"]: s["id"] for s in parts["skus"]}
    kit = httpx.post(f"{url}/v1/admin/products", headers=admin, json={
        "category_id": cat, "name": "Kit", "status": "listed", "skus": [
            {"code": "KIT", "price_cents": 250, "kind": "bundle", "components": [
                {"sku_id": ids["A"], "quantity": 2}, {"sku_id": ids["B"], "quantity": 1}]}]})
    ids["KIT"] = kit.json()["skus"][0]["id"]
    return ids


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_processes_never_oversell_directly_or_through_bundles(engine, tmp_path, redis_server,
                                                              request):
    var = tmp_path / "var"
    url = (f"sqlite:///{var}/oltp.sqlite3" if engine == "sqlite"
           else request.getfixturevalue("postgres_db"))
    var.mkdir()
    procs = [start_api_process(var, url, redis_server.url)]  # migrates first
    procs += [start_api_process(var, url, redis_server.url) for _ in range(2)]
    apis = [u for _, u in procs]
    try:
        admin = {"Authorization": f"Bearer {_token(apis[0], ADMIN_EMAIL, False, ADMIN_PASSWORD)}"}
        ids = _shop(apis[0], admin)
        rng = random.Random(7)
        # lines in both orders (A before C and C before A) and A twice through the kit
        baskets = [rng.choice([{"KIT": 1, "A": 1}, {"A": 2}, {"C": 1, "A": 1},
                               {"A": 1, "C": 2}, {"KIT": 2}]) for _ in range(36)]
        tokens = [_token(apis[i % 3], f"{engine}{i}@example.com") for i in range(len(baskets))]
        barrier = threading.Barrier(len(baskets))

        def buy(i: int) -> tuple[int, dict]:
            lines = [{"sku_id": ids[code], "quantity": q} for code, q in baskets[i].items()]
            if i % 2:
                lines.reverse()
            barrier.wait()
            r = httpx.post(f"{apis[i % 3]}/v1/orders", json={"items": lines}, timeout=120,
                           headers={"Authorization": f"Bearer {tokens[i]}"})
            return r.status_code, baskets[i]

        with ThreadPoolExecutor(len(baskets)) as pool:
            results = list(pool.map(buy, range(len(baskets))))
        assert {code for code, _ in results} <= {201, 409}, results
        a_sold = sum(b.get("A", 0) + 2 * b.get("KIT", 0) for code, b in results if code == 201)
        assert 0 < a_sold <= A_UNITS
        # no false refusals: stock only fell, so each refused basket needed more A than
        # even the final remainder
        left = A_UNITS - a_sold
        refused = [b.get("A", 0) + 2 * b.get("KIT", 0) for code, b in results if code == 409]
        assert refused and all(need > left for need in refused), (left, refused)
        levels = httpx.get(f"{apis[1]}/v1/admin/stock", headers=admin,
                           params={"sku_id": [ids["A"], ids["KIT"]]}).json()
        a = next(x for x in levels if x["sku_id"] == ids["A"])
        assert (a["on_hand"], a["reserved"]) == (A_UNITS, a_sold)
        assert not [x for x in levels if x["sku_id"] == ids["KIT"]]  # a kit has no stock
        check = httpx.get(f"{apis[2]}/v1/admin/stock/ledger-check", headers=admin).json()
        assert check == {"consistent": True, "mismatches": []}
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(15)
