"""Generated requests against every tags and audiences operation (and /v1/me, which now
serves tags): never a 5xx, always documented."""

from __future__ import annotations

import schemathesis

from tests.conftest import register
from tests.fuzzing import fuzz_operation


def test_no_server_errors_on_tags_operations(api):
    tokens = [api.admin_token(), register(api, "fuzz-tags@example.com")]
    with api.client(tokens[0]) as admin:
        uid = api.client(tokens[1]).get("/v1/me").json()["id"]
        admin.post("/v1/admin/tags", json={"name": "fuzz"})
        admin.post("/v1/admin/tags/fuzz/transitions", json={"action": "activate"})
        admin.put(f"/v1/admin/users/{uid}/tags/fuzz", json={})
        admin.post("/v1/admin/audiences", json={"name": "fuzz", "rule": {"tag": "fuzz"}})
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json", timeout=120)
    operations = [r.ok() for r in schema.get_all_operations()]
    mine = [op for op in operations
            if op.path.startswith(("/v1/admin/tags", "/v1/admin/audiences"))
            or "/tags" in op.path or op.path == "/v1/me" and op.method.upper() == "GET"]
    assert len(mine) == 15
    headers = [{}, *({"Authorization": f"Bearer {t}"} for t in tokens)]
    for operation in mine:
        fuzz_operation(operation, base_url=api.url, header_sets=headers, max_examples=30)
