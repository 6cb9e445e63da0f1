"""Random refund sequences (partial, full, too large, repeated references, through the
admin API or the function other domains call) keep the books exact: refunds never sum
above the capture, and captured minus refunded is what the shop still holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import create_product
from tests.payments.helpers import money, pay, post_callback, shopper_order, top_up
from transactional_api.core.db import transaction
from transactional_api.core.errors import DomainError
from transactional_api.payments import sandbox, service
from transactional_api.payments.models import Refund, WalletAccount
from transactional_api.payments.provider_models import SandboxCharge, SandboxLedgerEntry
from transactional_api.payments.sandbox_provider import event_body

PRICE = 4200
OPS = st.lists(st.tuples(st.integers(1, 2500) | st.sampled_from([PRICE, PRICE + 1]),
                         st.integers(0, 3), st.sampled_from(["admin", "function"])),
               min_size=1, max_size=8)


def test_random_refund_sequences_keep_the_books(papi):
    import json

    c, uid, _ = shopper_order(papi, "prop@example.com")
    with papi.client(papi.admin_token()) as admin:
        sku = create_product(admin, price_cents=PRICE, stock=500, code="PROP")["skus"][0]["id"]
    channels = papi.app.state.payment_channels
    token = papi.admin_token()

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(ops=OPS, channel=st.sampled_from(["wallet", "sandbox"]))
    def run(ops, channel):
        order = c.post("/v1/orders", json={"items": [{"sku_id": sku, "quantity": 1}]}).json()
        if channel == "wallet":
            top_up(papi, uid, PRICE)
        with papi.sessions() as s:
            before = s.scalar(select(WalletAccount.balance_cents).where(
                WalletAccount.user_id == uid))
        p = pay(c, order, channel).json()
        if channel == "sandbox":
            with papi.sessions() as s:
                charge = s.scalar(select(SandboxCharge).where(
                    SandboxCharge.payment_id == p["id"]))
                body = json.loads(event_body(sandbox._event(charge)))
            assert post_callback(papi, "sandbox", body).json() == {"outcome": "paid"}
        refunded, done = 0, {}
        with papi.client(token) as admin:
            for amount, key, via in ops:
                ref = (via, key)
                if ref in done:
                    expect = "same" if done[ref][0] == amount else "refund_reference_reused"
                elif refunded + amount <= PRICE:
                    expect = "new"
                else:
                    expect = "refund_exceeds_captured"
                if via == "admin":
                    r = admin.post(f"/v1/admin/payments/{p['id']}/refunds",
                                   json={"amount_cents": amount, "reason": "prop"},
                                   headers={"Idempotency-Key": f"k{key}"})
                    got = (r.json()["id"] if r.status_code in (200, 201)
                           else r.json()["error"]["code"])
                else:
                    try:
                        with transaction(papi.sessions) as s:
                            got = service.refund(session=s, order_id=order["id"],
                                                 amount_cents=amount, reason="prop",
                                                 reference=f"k{key}", channels=channels).id
                    except DomainError as exc:
                        got = exc.code
                if expect == "new":
                    done[ref] = (amount, got)
                    refunded += amount
                elif expect == "same":
                    assert got == done[ref][1]
                else:
                    assert got == expect
        captured, refunded_row, ledger_captured, ledger_refunded = money(papi, p["id"])
        assert (captured, refunded_row) == (PRICE, refunded)
        assert (ledger_captured, ledger_refunded) == (captured, refunded_row)
        assert refunded_row <= captured
        with papi.sessions() as s:
            rows = s.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
                Refund.order_id == order["id"]))
            assert rows == refunded
            if channel == "wallet":  # the shopper's balance got back exactly the refunds
                after = s.scalar(select(WalletAccount.balance_cents).where(
                    WalletAccount.user_id == uid))
                assert after == before - (captured - refunded_row)
            else:  # the provider's books agree: net paid at the provider = ours
                books = dict(s.execute(
                    select(SandboxLedgerEntry.kind, func.sum(SandboxLedgerEntry.amount_cents))
                    .where(SandboxLedgerEntry.payment_id == p["id"])
                    .group_by(SandboxLedgerEntry.kind)).all())
                assert books.get("captured", 0) - books.get("refunded", 0) == \
                    captured - refunded_row
        status = c.get(f"/v1/payments/{p['id']}").json()["status"]
        assert status == ("refunded" if refunded == PRICE else "succeeded")

    run()
