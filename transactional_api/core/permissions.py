"""Named permissions and the roles that hold them (the vocabulary; grants live in access/).

An operator role grants its permissions shop-wide. ``merchant_staff`` grants catalog and
orders only inside one merchant (the merchant id on the grant): it opens the
``/v1/merchant/...`` routes, never the ``/v1/admin/...`` ones.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CATALOG = "catalog"      # products, categories, brands, merchants, stock, reviews
    ORDERS = "orders"        # orders, sub-orders, shipments, after-sales
    MARKETING = "marketing"  # campaign costs, members and points
    FINANCE = "finance"      # payments, refunds, reconciliation, wallets, tax and shipping
    DATA = "data"            # data-health alerts, other users' recommendation lists
    ADMIN = "admin"          # users' roles, the sandbox outbox of sign-in codes


SHOPPER = "shopper"
MERCHANT_STAFF = "merchant_staff"

# Operator roles: each grants its permissions everywhere.
OPERATOR_ROLES: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "catalog_manager": frozenset({Permission.CATALOG}),
    "order_manager": frozenset({Permission.ORDERS}),
    "marketer": frozenset({Permission.MARKETING}),
    "finance": frozenset({Permission.FINANCE}),
    "analyst": frozenset({Permission.DATA}),
}
# What merchant staff may do, and only to their own merchant's goods and sub-orders.
MERCHANT_PERMISSIONS: frozenset[Permission] = frozenset({Permission.CATALOG, Permission.ORDERS})
# Roles inside one merchant (merchants/staff.py keeps who holds which). A merchant_staff
# grant without one (granted by an operator) keeps MERCHANT_PERMISSIONS. In merchant scope
# 'finance' is the merchant's deposit and statements, 'admin' its own staff (owner only).
MERCHANT_ROLES: dict[str, frozenset[Permission]] = {
    "owner": frozenset({Permission.CATALOG, Permission.ORDERS, Permission.FINANCE,
                        Permission.ADMIN}),
    "catalog": frozenset({Permission.CATALOG}),
    "orders": frozenset({Permission.ORDERS}),
    "finance": frozenset({Permission.FINANCE}),
}
MERCHANT_SCOPED_PERMISSIONS: frozenset[Permission] = frozenset().union(*MERCHANT_ROLES.values())
GRANTABLE_ROLES: tuple[str, ...] = (*OPERATOR_ROLES, MERCHANT_STAFF)


def operator_permissions(roles) -> frozenset[Permission]:
    """The shop-wide permissions of these role names (unknown names and shopper: none)."""
    out: frozenset[Permission] = frozenset()
    for role in roles:
        out |= OPERATOR_ROLES.get(role, frozenset())
    return out
