"""Invoices: one per seller of a completed order, numbered without gaps under concurrent
requests (SQLite and PostgreSQL), idempotent, and printable HTML that escapes every value."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from tests.api.catalog_helpers import category, product, sku
from tests.api.payment_helpers import outbox_events
from tests.conftest import make_settings, register, run_api
from tests.fulfilment.helpers import move, paid_order, shopper
from tests.orders.helpers import address, set_rates, two_merchant_shop

DONE = ("picking", "packed", "shipped", "delivered", "completed")


def _completed(admin, c, items: dict[str, int], address_id: str) -> dict:
    order = paid_order(c, items, address_id)
    for sub in order["sub_orders"]:
        move(admin, sub["id"], *DONE)
    order = c.get(f"/v1/orders/{order['id']}").json()
    assert order["status"] == "completed"
    return order


def test_an_invoice_per_seller_of_a_completed_order_issued_once(api, admin):
    shop = two_merchant_shop(admin)
    set_rates(admin, tax_bp=825)
    s = shop["sku"]
    c, home = shopper(api, "invoice@example.com")
    order = paid_order(c, {s["A"]: 2, s["C"]: 1, s["B"]: 1}, home["id"])  # 3 sub-orders
    url = f"/v1/orders/{order['id']}/invoice"
    r = c.post(url)
    assert r.status_code == 409 and r.json()["error"]["code"] == "order_not_completed"
    assert c.get(url).status_code == 404
    for sub in order["sub_orders"]:
        move(admin, sub["id"], *DONE)

    r = c.post(url)
    assert r.status_code == 201, r.text
    body = r.json()
    year = datetime.now(UTC).year
    assert [i["number"] for i in body["invoices"]] == [f"INV-{year}-000001",
                                                       f"INV-{year}-000002"]
    by_seller = {i["seller"]["merchant_id"]: i for i in body["invoices"]}
    own, acme = by_seller["self-operated"], by_seller[shop["acme"]]  # own: two locations
    assert acme["seller"]["name"] == "Acme"
    assert own["buyer"]["email"] == "invoice@example.com"
    assert own["buyer"]["address"]["line1"] == "1 Main St"
    assert len(own["sub_order_ids"]) == 2 and len(acme["sub_order_ids"]) == 1
    a = next(ln for ln in own["lines"] if ln["sku_id"] == s["A"])
    assert (a["quantity"], a["list_price_cents"], a["unit_price_cents"], a["discount_cents"],
            a["net_cents"], a["tax_cents"], a["total_cents"]) == (2, 1250, 1250, 0, 2500, 206,
                                                                   2706)
    order = c.get(f"/v1/orders/{order['id']}").json()
    for field in ("subtotal_cents", "discount_cents", "shipping_cents", "tax_cents",
                  "total_cents"):
        assert own[field] + acme[field] == order[field], field
    for inv in (own, acme):
        assert inv["total_cents"] == (inv["subtotal_cents"] - inv["discount_cents"]
                                      + inv["shipping_cents"] + inv["tax_cents"])
        assert sum(ln["total_cents"] for ln in inv["lines"]) + inv["shipping_cents"] == \
            inv["total_cents"]

    again = c.post(url)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert c.get(url).json() == body
    assert admin.get(url).json() == body
    stranger = api.client(register(api, "nosy@example.com"))
    assert stranger.get(url).status_code == 404
    assert stranger.post(url).status_code == 404
    assert c.get(url, params={"format": "pdf"}).status_code == 422
    issued = [e["payload"] for e in outbox_events(api, "invoice_issued")]
    assert sorted(p["number"] for p in issued) == sorted([own["number"], acme["number"]])


def _race_for_numbers(live) -> None:
    """Completed orders of several shoppers, each invoiced by three concurrent requests."""
    with live.client(live.admin_token()) as admin:
        shop = two_merchant_shop(admin)
        s = shop["sku"]
        orders = []
        for i in range(6):
            c, home = shopper(live, f"race{i}@example.com")
            items = {s["A"]: 1, s["B"]: 1} if i % 2 else {s["C"]: 1}
            orders.append((c, _completed(admin, c, items, home["id"])))
    start = threading.Barrier(len(orders) * 3)

    def request(job):
        c, order = job
        start.wait()
        return order["id"], c.post(f"/v1/orders/{order['id']}/invoice")

    with ThreadPoolExecutor(len(orders) * 3) as pool:
        results = list(pool.map(request, [job for job in orders for _ in range(3)]))
    by_order: dict[str, list] = {}
    for order_id, r in results:
        assert r.status_code in (200, 201), r.text
        by_order.setdefault(order_id, []).append(r)
    numbers = []
    for responses in by_order.values():
        assert sorted(r.status_code for r in responses) == [200, 200, 201]
        assert len({r.text for r in responses}) == 1  # every caller got the same invoices
        numbers += [inv["number"] for inv in responses[0].json()["invoices"]]
    year = datetime.now(UTC).year
    expected = 3 * 1 + 3 * 2  # three one-seller orders, three two-seller ones
    assert sorted(numbers) == [f"INV-{year}-{n:06d}" for n in range(1, expected + 1)]
    assert len(outbox_events(live, "invoice_issued")) == expected
    for c, _ in orders:
        c.close()


def test_invoice_numbers_are_unique_and_gap_free_under_concurrent_requests(api):
    _race_for_numbers(api)


def test_invoice_numbers_are_unique_and_gap_free_on_postgres(tmp_path, redis_server,
                                                             postgres_db):
    for live in run_api(make_settings(tmp_path / "var", redis_server.url,
                                      database_url=postgres_db)):
        _race_for_numbers(live)


def test_the_printable_invoice_escapes_every_value(api, admin):
    hostile = '<script>alert("x")</script>'
    cat = category(admin)
    p = product(admin, cat, [sku("EVIL", stock=5, price_cents=1000, name="<i>variant</i>")],
                name=hostile)
    c = api.client(register(api, "escape@example.com"))
    home = address(c, name='<img src=x onerror="alert(1)">', line1="1 & 2 Main St")
    set_rates(admin)
    order = _completed(admin, c, {p["skus"][0]["id"]: 1}, home["id"])
    assert c.post(f"/v1/orders/{order['id']}/invoice").status_code == 201
    r = c.get(f"/v1/orders/{order['id']}/invoice", params={"format": "html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "1 &amp; 2 Main St" in page
    assert re.search(r"INV-\d{4}-000001", page)
    assert "10.00 USD" in page
