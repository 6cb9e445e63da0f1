"""The way out of one machine: several API processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.scale.conftest import start_api_process


@pytest.fixture(scope="module")
def two_apis(tmp_path_factory, postgres_url, redis_server):
    var = tmp_path_factory.mktemp("pgvar")
    first = start_api_process(var, postgres_url, redis_server.url)  # runs the migrations
    second = start_api_process(var, postgres_url, redis_server.url)
    yield [first[1], second[1]]
    for proc, _ in (first, second):
        proc.terminate()
        proc.wait(15)


def _token(url: str, email: str, password: str = "racer-pass-1", register: bool = True) -> str:
    path = "/v1/auth/register" if register else "/v1/auth/login"
    r = httpx.post(f"{url}{path}", json={"email": email, "password": password}, timeout=30)
    r.raise_for_status()
    return r.json()["token"]


def test_race_across_processes_on_postgres(two_apis, postgres_url):
    a, b = two_apis
    admin = {"Authorization": f"Bearer {_token(a, ADMIN_EMAIL, ADMIN_PASSWORD, False)}"}
    cat = httpx.post(f"{a}/v1/admin/categories", json={"name": "PG", "slug": "pg"},
                     headers=admin).json()
    product = httpx.post(f"{b}/v1/admin/products", headers=admin, json={
        "category_id": cat["id"], "name": "Last units",
        "skus": [{"code": "PG-1", "name": "one", "price_cents": 1500, "stock": 10}],
        "status": "listed"}).json()
    sku = product["skus"][0]["id"]
    tokens = [_token(two_apis[i % 2], f"pg{i}@example.com") for i in range(40)]
    barrier = threading.Barrier(len(tokens))

    def buy(i: int) -> tuple[int, str | None]:
        url = two_apis[i % 2]
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        barrier.wait()
        r = httpx.post(f"{url}/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]},
                       headers=headers, timeout=60)
        if r.status_code != 201:
            return r.status_code, None
        # pay through the *other* process: the callback lands wherever the provider calls
        pay = httpx.post(f"{two_apis[(i + 1) % 2]}/v1/orders/{r.json()['id']}/payments",
                         json={}, headers=headers, timeout=60)
        assert pay.status_code == 202
        return 201, r.json()["id"]

    with ThreadPoolExecutor(len(tokens)) as pool:
        results = list(pool.map(buy, range(len(tokens))))
    assert sorted(code for code, _ in results) == [201] * 10 + [409] * 30
    assert httpx.get(f"{a}/v1/products/{product['id']}").json()["skus"][0]["available"] == 0

    engine = create_engine(postgres_url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            paid = conn.execute(text("SELECT count(*) FROM orders WHERE status = 'paid'")).scalar()
            unpublished = conn.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
        if paid == 10 and unpublished == 0:
            break
        time.sleep(0.2)
    assert paid == 10 and unpublished == 0
    with engine.connect() as conn:
        created = conn.execute(text(
            "SELECT count(DISTINCT event_id) FROM outbox WHERE event_type = 'order_created'"
        )).scalar()
    assert created == 10
    engine.dispose()
