"""Bulk rows for the settlement bench and tests (SQLite): N paid and completed sub-orders,
one per order with one line and one captured payment, over M merchants. Generated in SQL
(a recursive series), because the bench measures the settlement run, not checkout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, text

from transactional_api.core.models import Base

_DT = "strftime('%Y-%m-%d %H:%M:%S', :start, '+' || ((i * 7919) % :spread) || ' seconds')" \
      " || '.000000'"


def _insert(table: str, values: dict[str, str]) -> str:
    """INSERT ... SELECT over the series ``n(i)``, every NOT NULL column filled (given, or
    its scalar default)."""
    cols, exprs = [], []
    for col in Base.metadata.tables[table].columns:
        if col.name in values:
            expr = values[col.name]
        elif col.nullable or col.autoincrement is True and col.primary_key:
            continue
        elif col.default is not None and col.default.is_scalar:
            arg = col.default.arg
            expr = f"'{arg}'" if isinstance(arg, str) else str(int(arg))
        else:
            raise ValueError(f"{table}.{col.name} needs a value")
        cols.append(col.name)
        exprs.append(expr)
    return (f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :n - 1)"
            f" INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM n")


def seed_completed(engine: Engine, *, merchants: int, orders: int, start: datetime,
                   spread_seconds: int, currency: str = "USD", prefix: str = "b") -> None:
    """Paid orders completed between ``start`` and ``start + spread_seconds``; merchant of
    order i is f"{prefix}m{i % merchants}", its amount 1000 + (i * 37) % 9000 cents."""
    amount = "(1000 + (i * 37) % 9000)"
    common = {"currency": f"'{currency}'", "created_at": _DT, "updated_at": _DT}
    oid, sid = f"'{prefix}o' || i", f"'{prefix}s' || i"
    merchant = f"'{prefix}m' || (i % :m)"
    stmts = [
        _insert("orders", {**common, "id": oid, "user_id": "'bench-user'",
                           "status": "'completed'", "subtotal_cents": amount,
                           "total_cents": amount, "expires_at": _DT, "paid_at": _DT,
                           "completed_at": _DT}),
        _insert("sub_orders", {**common, "id": sid, "order_id": oid, "seq": "1",
                               "merchant_id": merchant, "kind": "'physical'",
                               "status": "'completed'", "subtotal_cents": amount,
                               "total_cents": amount, "paid_at": _DT, "completed_at": _DT}),
        _insert("order_items", {"order_id": oid, "sub_order_id": sid,
                                "sku_id": f"'{prefix}k' || (i % 97)",
                                "product_id": f"'{prefix}p' || (i % 97)",
                                "product_name": "'Bench product'", "sku_name": "'Bench'",
                                "unit_price_cents": amount, "quantity": "1",
                                "line_total_cents": amount, "merchant_id": merchant}),
        _insert("payments", {**common, "id": f"'{prefix}pay' || i", "order_id": oid,
                             "channel": "'sandbox'", "amount_cents": amount,
                             "status": "'succeeded'", "captured_cents": amount,
                             "refunded_cents": "0", "captured_at": _DT}),
    ]
    params = {"n": orders, "m": merchants, "start": start.strftime("%Y-%m-%d %H:%M:%S"),
              "spread": max(spread_seconds, 1)}
    with engine.begin() as conn:
        for stmt in stmts:
            conn.execute(text(stmt), params)
