"""Generated requests against the roles and merchant operations, as anonymous, shopper,
admin and merchant staff: never a 5xx, always a documented answer."""

from __future__ import annotations

import schemathesis

from tests.conftest import create_product, register
from tests.fuzzing import fuzz_operation
from tests.rbac.helpers import user_with_role


def test_no_server_errors_on_roles_and_merchant_operations(api, admin):
    create_product(admin, code="FUZZ-RBAC")
    merchant = admin.post("/v1/admin/merchants", json={"name": "F", "slug": "fuzz"}).json()
    staff, _ = user_with_role(api, admin, "merchant_staff", merchant["id"])
    tokens = [api.admin_token(), register(api, "fuzz-rbac@example.com"), staff]
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json", timeout=120)
    operations = [r.ok() for r in schema.get_all_operations()]
    mine = [op for op in operations if op.path.startswith(("/v1/merchant/", "/v1/admin/roles"))
            or (op.path.startswith("/v1/admin/users/") and "/roles" in op.path)]
    # merchant replies, promotions, coupon templates, account, deposit, staff, statements
    # and after-sales
    assert len(mine) == 41
    headers = [{}, *({"Authorization": f"Bearer {t}"} for t in tokens)]
    for operation in mine:
        fuzz_operation(operation, base_url=api.url, header_sets=headers, max_examples=15)
