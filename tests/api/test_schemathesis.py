"""Property-based fuzzing of every operation in the app's own OpenAPI schema: no 5xx, and
every response documented.

Drives schemathesis' case strategies with hypothesis directly: its pytest plugin does not
work with the pytest this project pins.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import create_product, make_settings, register, run_api

# No 5xx, and every answer (errors too) is one the schema documents, in the documented shape.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory, redis_server):
    settings_ = make_settings(tmp_path_factory.mktemp("fuzz") / "var", redis_server.url)
    yield from run_api(settings_)


def test_no_server_errors_on_any_operation(live):
    with live.client(live.admin_token()) as admin:
        create_product(admin, code="FUZZ")
    tokens = {"admin": live.admin_token(), "shopper": register(live, "fuzz@example.com")}
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())
        def fuzz(case):
            for role in ("anonymous", "shopper", "admin"):
                headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
                case.call_and_validate(base_url=live.url, headers=headers, checks=CHECKS)

        fuzz()
