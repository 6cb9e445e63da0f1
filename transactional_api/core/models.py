"""Import every domain's models so metadata (Alembic, tests) sees all tables."""

from transactional_api.accounts.models import AuthToken, User
from transactional_api.cart.models import Cart, CartItem
from transactional_api.catalog.models import Category, Product, Sku
from transactional_api.core.db import Base
from transactional_api.events.models import OutboxEvent
from transactional_api.inventory.models import StockLevel, StockMovement
from transactional_api.orders.models import Order, OrderItem
from transactional_api.payments.models import Payment, PaymentEvent

__all__ = [
    "AuthToken", "Base", "Cart", "CartItem", "Category", "Order", "OrderItem", "OutboxEvent",
    "Payment", "PaymentEvent", "Product", "Sku", "StockLevel", "StockMovement", "User",
]
