"""Property-based fuzzing of every operation in the app's own OpenAPI schema: no 5xx, and
every response documented.

Drives schemathesis' case strategies with hypothesis directly: its pytest plugin does not
work with the pytest this project pins.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import create_product, make_settings, register, run_api
from tests.fuzzing import CHECKS, REQUEST_TIMEOUT, fuzz_operation


@pytest.fixture(scope="module")
def live(tmp_path_factory, redis_server):
    settings_ = make_settings(tmp_path_factory.mktemp("fuzz") / "var", redis_server.url)
    yield from run_api(settings_)


def test_no_server_errors_on_any_operation(live):
    with live.client(live.admin_token()) as admin:
        create_product(admin, code="FUZZ")
    tokens = {"admin": live.admin_token(), "shopper": register(live, "fuzz@example.com")}
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", timeout=120)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    header_sets = [{}, *({"Authorization": f"Bearer {tokens[role]}"}
                         for role in ("shopper", "admin"))]
    for operation in operations:
        fuzz_operation(operation, base_url=live.url, header_sets=header_sets, max_examples=12)


# Shapes that random generation rarely reaches but attackers send: real SKUs repeated past
# the per-line cap, totals past the largest amount, event times at the ends of the calendar.
_ZONES = st.sampled_from([timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)), UTC])
_WHEN = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59),
                     timezones=_ZONES)
_NUMBERS = st.one_of(st.integers(-1, 20_000), st.sampled_from([10**12, 10**13]), st.booleans(),
                     st.text(max_size=3), st.floats(allow_nan=False, allow_infinity=False))


def test_no_server_errors_on_hostile_shapes(live):
    with live.client(live.admin_token()) as admin:
        product = create_product(admin, code="HOSTILE", price_cents=100_000_000,
                                 stock=10_000_000, skus=12)
    skus = [s["id"] for s in product["skus"]]
    shopper = {"Authorization": f"Bearer {register(live, 'hostile@example.com')}"}
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", timeout=120)
    orders = schema["/v1/orders"]["POST"]
    events = schema["/v1/events"]["POST"]
    # Well-typed lines (badly typed ones are the generic fuzzer's), a few SKUs repeated often.
    lines = st.lists(st.fixed_dictionaries({
        "sku_id": st.sampled_from(skus[:2]) | st.sampled_from(skus),
        "quantity": st.sampled_from([1, 999, 1000]) | st.integers(1, 1000)}),
        min_size=1, max_size=100)
    event = st.fixed_dictionaries({
        "event_type": st.sampled_from(["add_to_cart", "product_view", "search"]),
        "occurred_at": _WHEN.map(lambda d: d.isoformat()),
        "payload": st.fixed_dictionaries({
            "product_id": st.sampled_from([product["id"], "no-such-product"]),
            "sku_id": st.sampled_from([*skus[:1], "no-such-sku"]),
            "quantity": _NUMBERS, "query": st.just("q"), "results_count": _NUMBERS})})

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(order_lines=lines, batch=st.lists(event, min_size=1, max_size=20))
    def fuzz(order_lines, batch):
        orders.Case(body={"items": order_lines}, media_type="application/json").call_and_validate(
            base_url=live.url, headers=shopper, checks=CHECKS, timeout=REQUEST_TIMEOUT)
        events.Case(body={"events": batch}, media_type="application/json").call_and_validate(
            base_url=live.url, headers=shopper, checks=CHECKS, timeout=REQUEST_TIMEOUT)

    fuzz()
