"""Generated requests against the campaign-cost operations: never a 5xx, every answer
documented (the whole-API fuzzer samples these few times; here they get more examples)."""

from __future__ import annotations

import schemathesis

from tests.conftest import register
from tests.fuzzing import fuzz_operation


def test_no_server_errors_on_campaign_cost_operations(api):
    admin = {"Authorization": f"Bearer {api.admin_token()}"}
    with api.client(api.admin_token()) as client:  # one live cost for the id routes to find
        client.post("/v1/admin/campaign-costs", json={
            "campaign": "brand", "source": "google", "medium": "cpc", "day": "2025-03-01",
            "amount_cents": 100})
    shopper = {"Authorization": f"Bearer {register(api, 'fuzz@marketing.test')}"}
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json", timeout=120)
    operations = [r.ok() for r in schema.get_all_operations()
                  if r.ok().path.startswith("/v1/admin/campaign-costs")]
    assert len(operations) == 5  # create, list, get, change, delete
    for operation in operations:
        fuzz_operation(operation, base_url=api.url, header_sets=[{}, shopper, admin],
                       max_examples=40)
