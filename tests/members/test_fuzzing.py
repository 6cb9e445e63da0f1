"""Generated requests against every members operation: never a 5xx, always documented."""

from __future__ import annotations

import schemathesis

from tests.conftest import register
from tests.fuzzing import fuzz_operation


def test_no_server_errors_on_members_operations(api):
    tokens = [api.admin_token(), register(api, "fuzz-member@example.com")]
    with api.client(tokens[0]) as admin:
        uid = api.client(tokens[1]).get("/v1/me").json()["id"]
        admin.post(f"/v1/admin/members/{uid}/points/adjustments",
                   json={"points": 50, "reason": "fuzz"})
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json", timeout=120)
    operations = [r.ok() for r in schema.get_all_operations()]
    mine = [op for op in operations if op.path.startswith(("/v1/members", "/v1/admin/members"))
            or op.path == "/v1/products/{product_id}/share"]
    assert len(mine) == 7
    headers = [{}, *({"Authorization": f"Bearer {t}", "Idempotency-Key": "fuzz"}
                     for t in tokens)]
    for operation in mine:
        fuzz_operation(operation, base_url=api.url, header_sets=headers, max_examples=40)
