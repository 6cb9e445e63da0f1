"""Schema-driven fuzzing shared by the API-wide and the CSV-endpoint tests.

Drives schemathesis' case strategies with hypothesis directly: its pytest plugin does not
work with the pytest this project pins.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

# schemathesis waits 10 s by default, which a loaded CI machine (two workers, a Spark
# build beside them) can exceed on a large openapi.json or a heavy request.
REQUEST_TIMEOUT = 60

# No 5xx, and every answer (errors too) is one the schema documents, in the documented shape.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def fuzz_operation(operation, *, base_url: str, header_sets: list[dict[str, str]],
                   max_examples: int) -> None:
    """Generated requests against one operation, each sent once per set of headers."""

    @settings(max_examples=max_examples, deadline=None,
              suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def fuzz(case):
        for headers in header_sets:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS,
                                   timeout=REQUEST_TIMEOUT)

    fuzz()
