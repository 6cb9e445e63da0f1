"""Accrual: every paid sub-order booked once into the ledger, set-based.

One run inserts the sub-orders not yet accrued into settlement_sub_orders (its primary key
is the idempotency), prices them with UPDATEs over that batch, then writes each kind of
leg with one INSERT ... SELECT. Reads the orders' and catalog's tables directly: a million
sub-orders a minute cannot go through per-order public functions.

Figures per sub-order (integer cents):
  gross      = subtotal + shipping + tax (shipping after its own discount)
  commission = round(sum over lines of unit price x quantity x rate_bps / 10000), the
               rate of the line's category, merchant overrides first
  fee        = fixed + round(subtotal x fee_bps / 10000)
  merchant discount = the merchant-funded line adjustments on this sub-order's lines
  platform discount = gross - merchant discount - total (promotions the platform funds
               and points), so gross - discounts = what the shopper paid
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.db import UTCDateTime, new_id

_NOW = bindparam("now", type_=UTCDateTime())

_INSERT = text("""
INSERT INTO settlement_sub_orders (sub_order_id, order_id, merchant_id, currency, total_cents,
    gross_cents, merchant_discount_cents, platform_discount_cents, commission_cents,
    fee_cents, net_cents, refunded_cents, goods_reversed_cents, commission_reversed_cents,
    fee_reversed_cents, completed_at, statement_id, accrued_at, batch_id)
SELECT so.id, so.order_id, so.merchant_id, so.currency, so.total_cents,
    so.subtotal_cents + so.shipping_cents + so.tax_cents, 0, 0, 0,
    COALESCE(rm.fee_fixed_cents, ra.fee_fixed_cents, :fee_fixed)
      + (so.subtotal_cents * COALESCE(rm.fee_bps, ra.fee_bps, :fee_bps) + 5000) / 10000,
    0, 0, 0, 0, 0, NULL, NULL, :now, :batch
FROM sub_orders so
LEFT JOIN settlement_commission_rates rm ON rm.scope_key = so.merchant_id || '|*'
LEFT JOIN settlement_commission_rates ra ON ra.scope_key = '*|*'
WHERE so.paid_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM settlement_sub_orders s WHERE s.sub_order_id = so.id)
""").bindparams(_NOW)

_COMMISSION = text("""
UPDATE settlement_sub_orders SET commission_cents = COALESCE((
    SELECT (CAST(SUM(oi.unit_price_cents * oi.quantity * COALESCE(
                r1.rate_bps, r2.rate_bps, r3.rate_bps, r4.rate_bps, :bps)) AS BIGINT)
            + 5000) / 10000
    FROM order_items oi
    LEFT JOIN products p ON p.id = oi.product_id
    LEFT JOIN settlement_commission_rates r1
        ON r1.scope_key = settlement_sub_orders.merchant_id || '|' || p.category_id
    LEFT JOIN settlement_commission_rates r2
        ON r2.scope_key = settlement_sub_orders.merchant_id || '|*'
    LEFT JOIN settlement_commission_rates r3 ON r3.scope_key = '*|' || p.category_id
    LEFT JOIN settlement_commission_rates r4 ON r4.scope_key = '*|*'
    WHERE oi.sub_order_id = settlement_sub_orders.sub_order_id), 0)
WHERE batch_id = :batch
""")

# A merchant-funded adjustment on a SKU split over several sub-orders is shared by quantity.
_MERCHANT_DISCOUNT = text("""
UPDATE settlement_sub_orders SET merchant_discount_cents = COALESCE((
    SELECT SUM(a.amount_cents * (
        SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i
        WHERE i.order_id = a.order_id AND i.sku_id = a.sku_id
          AND i.sub_order_id = settlement_sub_orders.sub_order_id) / (
        SELECT SUM(i.quantity) FROM order_items i
        WHERE i.order_id = a.order_id AND i.sku_id = a.sku_id))
    FROM order_adjustments a
    WHERE a.order_id = settlement_sub_orders.order_id AND a.target = 'line'
      AND a.funded_by_merchant_id = settlement_sub_orders.merchant_id), 0)
WHERE batch_id = :batch AND EXISTS (
    SELECT 1 FROM order_adjustments a WHERE a.order_id = settlement_sub_orders.order_id
      AND a.funded_by_merchant_id IS NOT NULL)
""")

_NET = text("""
UPDATE settlement_sub_orders SET
    platform_discount_cents = gross_cents - merchant_discount_cents - total_cents,
    net_cents = gross_cents - merchant_discount_cents - commission_cents - fee_cents
WHERE batch_id = :batch
""")

# (account, merchant column or NULL, kind, signed amount expression)
_LEGS = (
    ("channel_clearing", "NULL", "captured", "-total_cents"),
    ("merchant_payable", "merchant_id", "gross", "gross_cents"),
    ("merchant_payable", "merchant_id", "discount_merchant", "-merchant_discount_cents"),
    ("platform_discounts", "NULL", "discount_platform", "-platform_discount_cents"),
    ("merchant_payable", "merchant_id", "commission", "-commission_cents"),
    ("platform_revenue", "NULL", "commission", "commission_cents"),
    ("merchant_payable", "merchant_id", "platform_fee", "-fee_cents"),
    ("platform_revenue", "NULL", "platform_fee", "fee_cents"),
)


def _legs_sql(account: str, merchant: str, kind: str, amount: str):
    return text(f"""
INSERT INTO settlement_entries (account, merchant_id, sub_order_id, kind, amount_cents,
    currency, statement_id, source_key, created_at)
SELECT '{account}', {merchant}, sub_order_id, '{kind}', {amount}, currency, NULL, NULL, :now
FROM settlement_sub_orders WHERE batch_id = :batch AND {amount} <> 0
""").bindparams(_NOW)


def accrue(session: Session, *, settings: Settings) -> dict:
    """Book every paid sub-order not booked yet; returns the batch id and its size."""
    batch, now = new_id(), clock.now()
    count = session.execute(_INSERT, {
        "now": now, "batch": batch, "fee_fixed": settings.settlement_fee_fixed_cents,
        "fee_bps": settings.settlement_fee_bps}).rowcount
    if count:
        session.execute(_COMMISSION, {"batch": batch,
                                      "bps": settings.settlement_commission_bps})
        session.execute(_MERCHANT_DISCOUNT, {"batch": batch})
        session.execute(_NET, {"batch": batch})
        for leg in _LEGS:
            session.execute(_legs_sql(*leg), {"batch": batch, "now": now})
    return {"batch_id": batch, "sub_orders": count}


_CLOSED = text("""
UPDATE settlement_sub_orders SET completed_at = (
    SELECT COALESCE(so.completed_at, so.cancelled_at) FROM sub_orders so
    WHERE so.id = settlement_sub_orders.sub_order_id)
WHERE completed_at IS NULL AND statement_id IS NULL
""")


def note_completions(session: Session) -> None:
    """Copy completion (or cancellation) times of pending sub-orders: windows start there."""
    session.execute(_CLOSED)
