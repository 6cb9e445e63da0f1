"""Schema-driven fuzzing of the review operations only (the API-wide fuzzer in tests/api
covers them too, at a few examples each): no 5xx, every answer documented. A real product,
order and review exist, so generated ids sometimes meet real rows."""

from __future__ import annotations

import schemathesis

from tests.conftest import make_settings, run_api
from tests.fuzzing import fuzz_operation
from tests.reviews.helpers import buyer, review, shop, sku_id


def test_no_server_errors_on_review_operations(tmp_path, redis_server):
    for live in run_api(make_settings(tmp_path / "var", redis_server.url)):
        with live.client(live.admin_token()) as admin:
            lamp = shop(admin, "Lamp")["Lamp"]
            c, order = buyer(live, admin, [sku_id(lamp)])
            assert review(c, lamp["id"], order["id"], sku_id(lamp)).status_code == 201
        token = c.headers["Authorization"]
        c.close()
        schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", timeout=120)
        operations = [result.ok() for result in schema.get_all_operations()]
        # the product reviews' routes, the merchant's three among them (not risk's reviews)
        mine = [op for op in operations if "/reviews" in op.path and "/risk/" not in op.path]
        assert len(mine) == 9
        headers = [{}, {"Authorization": token},
                   {"Authorization": f"Bearer {live.admin_token()}"}]
        for operation in mine:
            fuzz_operation(operation, base_url=live.url, header_sets=headers, max_examples=25)
