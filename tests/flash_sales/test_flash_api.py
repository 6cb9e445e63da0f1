"""Flash sales over HTTP: scheduling, the hot path's answers, the order made from the
queue at the flash price, the end of a sale with its reconciliation."""

from __future__ import annotations

import uuid

from tests.api.catalog_helpers import available, pay
from tests.flash_sales.conftest import (
    code,
    drain,
    flash_pass,
    product,
    reserve,
    schedule,
    shopper,
    tick,
)


def test_a_winner_gets_an_order_at_the_flash_price_and_the_sale_reconciles(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        product_id, sku = product(admin, stock=10, price=1000)
        sale = schedule(admin, sku, quantity=4, price=600, limit=2)
        assert sale["status"] == "armed" and sale["left"] == 4 and sale["held_units"] == 4
        # the held units are off the shop's shelf
        assert available(admin, product_id) == {next(iter(available(admin, product_id))): 6}
    token = shopper(api)
    flash = flash_pass(api, token, sale["id"])
    first = reserve(api, sale["id"], flash, request_id="r-1", quantity=2)
    assert first.status_code == 201, first.text
    again = reserve(api, sale["id"], flash, request_id="r-1", quantity=2)
    assert again.status_code == 200 and again.json()["token"] == first.json()["token"]
    with api.client(token) as c:
        queued = c.get(first.json()["status_url"]).json()
        assert queued["state"] == "queued"
        assert drain(api) == 1
        ready = c.get(first.json()["status_url"]).json()
        assert ready["state"] == "ordered" and ready["pay_by"]
        order = c.get(f"/v1/orders/{ready['order_id']}").json()
        assert [(i["quantity"], i["unit_price_cents"]) for i in order["items"]] == [(2, 600)]
        assert pay(c, order["id"])["status"] == "paid"
    with api.client(api.admin_token()) as admin:
        ended = admin.post(f"/v1/admin/flash-sales/{sale['id']}/end").json()
        assert ended["status"] == "ended" and ended["held_units"] == 0
        rec = ended["reconciliation"]
        assert rec["differences"] == []
        assert (rec["won_units"], rec["paid_units"], rec["oversold"]) == (2, 2, 0)
        # the 2 units nobody won are back on the shelf: 10 - 2 sold
        assert list(available(admin, product_id).values()) == [8]


def test_the_hot_path_refuses_with_the_reason(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin, stock=10)
        sale = schedule(admin, sku, quantity=2, limit=1)
        later = schedule(admin, product(admin)[1], starts_in=3600)
    a, b, c = (shopper(api) for _ in range(3))
    pa, pb, pc = (flash_pass(api, t, sale["id"]) for t in (a, b, c))
    assert reserve(api, sale["id"], pa).status_code == 201
    over = reserve(api, sale["id"], pa)
    assert (over.status_code, code(over)) == (409, "over_limit")
    assert reserve(api, sale["id"], pb).status_code == 201
    sold = reserve(api, sale["id"], pc)
    assert (sold.status_code, code(sold)) == (409, "sold_out")
    early = reserve(api, later["id"], flash_pass(api, a, later["id"]))
    assert (early.status_code, code(early)) == (409, "not_started")
    # no pass, a forged one, or one for another sale
    assert reserve(api, sale["id"], "").status_code == 401
    assert reserve(api, sale["id"], pa[:-4] + "AAAA").status_code == 401
    assert reserve(api, later["id"], pa).status_code == 401


def test_after_the_end_nothing_more_is_sold(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin)
        sale = schedule(admin, sku, quantity=3)
        token = shopper(api)
        flash = flash_pass(api, token, sale["id"])
        assert admin.post(f"/v1/admin/flash-sales/{sale['id']}/end").status_code == 200
    late = reserve(api, sale["id"], flash)
    assert (late.status_code, code(late)) == (409, "closed")
    with api.client(token) as c:
        assert c.post(f"/v1/flash-sales/{sale['id']}/pass").status_code == 409


def test_a_plain_checkout_gets_neither_the_flash_price_nor_the_held_units(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin, stock=3, price=1000)
        schedule(admin, sku, quantity=2, price=400)
    with api.client(shopper(api)) as c:
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]})
        assert r.status_code == 201, r.text
        assert r.json()["items"][0]["unit_price_cents"] == 1000
        r = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]})
        assert (r.status_code, code(r)) == (409, "out_of_stock")


def test_a_cancelled_order_gives_its_unit_back_to_someone_else(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin, stock=5)
        sale = schedule(admin, sku, quantity=1)
    first, second = shopper(api), shopper(api)
    won = reserve(api, sale["id"], flash_pass(api, first, sale["id"]))
    assert won.status_code == 201
    late = flash_pass(api, second, sale["id"])
    assert code(reserve(api, sale["id"], late)) == "sold_out"
    drain(api)
    with api.client(first) as c:
        order_id = c.get(won.json()["status_url"]).json()["order_id"]
        assert c.post(f"/v1/orders/{order_id}/cancel").status_code == 200
    assert tick(api)["released"] == 1
    with api.client(first) as c:
        assert c.get(won.json()["status_url"]).json()["state"] == "returned"
    assert reserve(api, sale["id"], late).status_code == 201
    drain(api)
    with api.client(api.admin_token()) as admin:
        rec = admin.get(f"/v1/admin/flash-sales/{sale['id']}/reconciliation").json()["now"]
        assert rec["differences"] == []
        assert (rec["won_units"], rec["given_back_units"], rec["pool"]) == (2, 1, 0)


def test_rate_limit_answers_429_with_retry_after(tmp_path, redis_server):
    from tests.conftest import make_settings, run_api

    settings = make_settings(tmp_path / "var", redis_server.url, flash_worker_interval_seconds=0,
                             flash_jobs_interval_seconds=0, flash_client_rate_per_second=0.5,
                             flash_client_burst=2, flash_queue=f"test:{uuid.uuid4().hex}")
    for api in run_api(settings):
        with api.client(api.admin_token()) as admin:
            sale = schedule(admin, product(admin)[1], quantity=5, limit=5)
        flash = flash_pass(api, shopper(api), sale["id"])
        answers = [reserve(api, sale["id"], flash) for _ in range(3)]
        assert [r.status_code for r in answers] == [201, 201, 429]
        assert code(answers[2]) == "rate_limited"
        assert int(answers[2].headers["Retry-After"]) >= 1


def test_bad_schedules_are_refused(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        _, sku = product(admin, stock=3, price=1000)
        base = {"name": "x", "sku_id": sku, "quantity": 2,
                "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T11:00:00Z"}
        cases = [({"flash_price_cents": 1000}, 422, "flash_price_not_lower"),
                 ({"flash_price_cents": 500, "ends_at": "2030-01-01T09:00:00Z"}, 422,
                  "invalid_window"),
                 ({"flash_price_cents": 500, "per_user_limit": 3}, 422, "invalid_limit"),
                 ({"flash_price_cents": 500, "sku_id": "nope"}, 404, "sku_not_found")]
        for change, status, expected in cases:
            r = admin.post("/v1/admin/flash-sales", json={**base, **change})
            assert (r.status_code, code(r)) == (status, expected), change
        big = schedule(admin, sku, quantity=5, starts_in=7200, arm=False)
        r = admin.post(f"/v1/admin/flash-sales/{big['id']}/arm")
        assert (r.status_code, code(r)) == (409, "out_of_stock")
        assert admin.get(f"/v1/admin/flash-sales/{big['id']}").json()["status"] == "scheduled"
        with api.client(shopper(api)) as c:
            r = c.post("/v1/admin/flash-sales", json={**base, "flash_price_cents": 1})
            assert r.status_code == 403


def test_the_framework_route_answers_as_the_fast_path_does(tmp_path, redis_server):
    """With flash_fast_path off the documented FastAPI route answers: same outcomes."""
    from tests.conftest import make_settings, run_api

    settings = make_settings(tmp_path / "var", redis_server.url, flash_fast_path=False,
                             flash_worker_interval_seconds=0, flash_jobs_interval_seconds=0,
                             flash_queue=f"test:{uuid.uuid4().hex}")
    for api in run_api(settings):
        with api.client(api.admin_token()) as admin:
            sale = schedule(admin, product(admin)[1], quantity=1, limit=1)
        a, b = (flash_pass(api, shopper(api), sale["id"]) for _ in range(2))
        first = reserve(api, sale["id"], a, request_id="x")
        assert first.status_code == 201
        again = reserve(api, sale["id"], a, request_id="x")
        assert (again.status_code, again.json()["token"]) == (200, first.json()["token"])
        assert code(reserve(api, sale["id"], a)) == "over_limit"
        assert code(reserve(api, sale["id"], b)) == "sold_out"
        assert reserve(api, sale["id"], "nope").status_code == 401
        with api.client() as c:
            bad = c.post(f"/v1/flash-sales/{sale['id']}/reserve",
                         headers={"X-Flash-Pass": a}, json={"request_id": ""})
            assert bad.status_code == 422


def test_bad_reserve_bodies_are_422_and_take_nothing(flash_api):
    api = flash_api
    with api.client(api.admin_token()) as admin:
        sale = schedule(admin, product(admin)[1], quantity=1)
    flash = flash_pass(api, shopper(api), sale["id"])
    url = f"/v1/flash-sales/{sale['id']}/reserve"
    with api.client() as c:
        for body in ([], {"request_id": 5}, {"request_id": "x", "quantity": 0},
                     {"request_id": "x", "quantity": "2"}, {"request_id": "x", "extra": 1},
                     {"request_id": "x" * 65}):
            r = c.post(url, headers={"X-Flash-Pass": flash}, json=body)
            assert (r.status_code, code(r)) == (422, "validation_error"), body
        r = c.post(url, headers={"X-Flash-Pass": flash}, content=b"{not json")
        assert r.status_code == 422
    assert reserve(api, sale["id"], flash).status_code == 201  # the unit was still there
