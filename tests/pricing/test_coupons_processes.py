"""Two API processes over one database (SQLite file, then PostgreSQL) take parallel coupon
claims of one template: the total limit and every shopper's limit hold across processes,
and issued_count equals the coupons in wallets."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process

SHOPPERS, TRIES, TOTAL, PER_USER = 8, 4, 12, 2


def _post(url: str, path: str, token: str | None = None, **kw) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{url}{path}", headers=headers, timeout=120, **kw)


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_claims_from_two_processes_hold_the_limits(engine, tmp_path, redis_server, request):
    var = tmp_path / "var"
    url = (f"sqlite:///{var}/oltp.sqlite3" if engine == "sqlite"
           else request.getfixturevalue("postgres_db"))
    var.mkdir()
    procs = [start_api_process(var, url, redis_server.url)]
    procs.append(start_api_process(var, url, redis_server.url))
    apis = [u for _, u in procs]
    try:
        admin = _post(apis[0], "/v1/auth/login", json={
            "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["token"]
        r = _post(apis[0], "/v1/admin/coupon-templates", admin, json={
            "name": "Across", "kind": "percent_off", "params": {"percent_bp": 1000},
            "currency": "USD", "valid_days": 7, "total_limit": TOTAL,
            "per_user_limit": PER_USER})
        assert r.status_code == 201, r.text
        tid = r.json()["id"]
        r = _post(apis[1], f"/v1/admin/coupon-templates/{tid}/transitions", admin,
                  json={"action": "activate"})
        assert r.status_code == 200, r.text
        tokens = [_post(apis[i % 2], "/v1/auth/register", json={
            "email": f"{engine}-c{i}-{uuid.uuid4().hex[:6]}@example.com",
            "password": "coupon-pass-1"}).json()["token"] for i in range(SHOPPERS)]

        def attempt(job: int) -> tuple[int, int, str | None]:
            shopper, api = job % SHOPPERS, apis[job % 2]
            r = _post(api, f"/v1/coupons/templates/{tid}/claim", tokens[shopper])
            return shopper, r.status_code, (r.json()["error"]["code"]
                                            if r.status_code != 201 else None)

        with ThreadPoolExecutor(SHOPPERS * TRIES) as pool:
            results = list(pool.map(attempt, range(SHOPPERS * TRIES)))
        assert {(s, c) for _, s, c in results if s != 201} <= {
            (409, "coupon_sold_out"), (409, "coupon_limit_reached")}, results
        won = Counter(shopper for shopper, status, _ in results if status == 201)
        assert sum(won.values()) == TOTAL
        assert max(won.values()) <= PER_USER
        held = [len(httpx.get(f"{apis[i % 2]}/v1/me/coupons", timeout=60, headers={
            "Authorization": f"Bearer {tokens[i]}"}).json()["items"]) for i in range(SHOPPERS)]
        assert held == [won[i] for i in range(SHOPPERS)]
        got = httpx.get(f"{apis[1]}/v1/admin/coupon-templates/{tid}", timeout=60,
                        headers={"Authorization": f"Bearer {admin}"}).json()
        assert got["issued_count"] == TOTAL
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            proc.wait(30)
