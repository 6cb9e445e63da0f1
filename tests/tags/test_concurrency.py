"""Racing operators: of concurrent moves of one tag exactly one wins, and concurrent
assignments of one tag to one shopper leave one row and one event."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.tags.conftest import emitted, shopper


def test_racing_transitions_and_assignments(api, admin):
    name = f"race_{uuid.uuid4().hex[:8]}"
    admin.post("/v1/admin/tags", json={"name": name})
    token = api.admin_token()

    def move(_):
        with api.client(token) as c:
            return c.post(f"/v1/admin/tags/{name}/transitions",
                          json={"action": "activate"}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(move, range(8)))
    assert codes == [200] + [409] * 7
    assert len([e for e in emitted(api, "tag_status_changed")
                if e["payload"]["tag"] == name]) == 1

    _, uid = shopper(api)

    def assign(_):
        with api.client(token) as c:
            return c.put(f"/v1/admin/users/{uid}/tags/{name}", json={}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(assign, range(8)))
    assert codes == [200] * 7 + [201]
    assert len([e for e in emitted(api, "user_tag_assigned")
                if e["payload"]["tag"] == name]) == 1
    assert [t["name"] for t in admin.get(f"/v1/admin/users/{uid}/tags").json()["tags"]] == \
        [name]
