"""Import every domain's models so metadata (Alembic, tests) sees all tables."""

from transactional_api.access.models import RoleGrant
from transactional_api.accounts.identity_models import (
    IdentityCode,
    RecoveryCode,
    SandboxMessage,
    UserPhone,
    UserTotp,
)
from transactional_api.accounts.models import Address, AuthToken, User
from transactional_api.accounts.oidc_models import OidcLink
from transactional_api.aftersales.models import AfterSalesLine, AfterSalesRequest
from transactional_api.alerts.models import Alert
from transactional_api.cart.models import Cart, CartItem
from transactional_api.catalog.models import (
    Brand,
    Category,
    Merchant,
    Product,
    ProductStatusChange,
    Sku,
)
from transactional_api.core.db import Base
from transactional_api.credit import models as _credit  # noqa: F401 (credit's tables)
from transactional_api.duties import models as _duties  # noqa: F401 (duty_rates)
from transactional_api.events.models import OutboxEvent
from transactional_api.flash_sales.models import (  # noqa: F401 (flash sales' tables)
    FlashReservation,
    FlashSale,
)
from transactional_api.fulfillment.models import (
    CarrierScheduledEvent,
    Invoice,
    InvoiceCounter,
    Shipment,
    ShipmentSubOrder,
    TrackingEvent,
)
from transactional_api.inventory.models import (
    BundleComponent,
    PresaleAllotment,
    StockLevel,
    StockMovement,
    StockReservation,
    Warehouse,
)
from transactional_api.landing.models import (  # noqa: F401 (landing's tables)
    LandingPage,
    SlotCreative,
)
from transactional_api.marketing.models import CampaignCost
from transactional_api.markets import models as _markets  # noqa: F401 (markets' tables)
from transactional_api.members.models import (
    GrowthEntry,
    MemberAccount,
    MemberCursor,
    PointsEntry,
)
from transactional_api.merchants.models import (  # noqa: F401 (merchant onboarding)
    MerchantApplication,
    MerchantDeposit,
    MerchantLifecycleEvent,
    MerchantStaffRole,
)
from transactional_api.orders.models import Order, OrderItem, SubOrder
from transactional_api.payments.models import Payment, PaymentEvent
from transactional_api.points_mall.models import (  # noqa: F401 (points mall's tables)
    MallCursor,
    MallItem,
    MallRedemption,
)
from transactional_api.pricing.coupon_models import (  # noqa: F401 (coupons' tables)
    Coupon,
    CouponCode,
    CouponTemplate,
)
from transactional_api.pricing.models import (  # noqa: F401 (pricing's tables)
    PriceFloor,
    PricingState,
    Promotion,
    PromotionRedemption,
    SkuFlashPrice,
    SkuMemberPrice,
    SkuPriceTier,
    SkuPromoPrice,
)
from transactional_api.procurement import models as _procurement  # noqa: F401 (procurement's tables)
from transactional_api.promoters.models import (  # noqa: F401 (promoters' tables)
    Binding,
    Commission,
    CommissionRule,
    ConsumedEvent,
    Cursor,
    LedgerEntry,
    Promoter,
    Withdrawal,
)
from transactional_api.reach.models import AudienceEntry, Campaign, ReachCursor, ReachMessage
from transactional_api.recommendations.models import RecoRule
from transactional_api.replenishment import models as _replenishment  # noqa: F401 (suggestions taken)
from transactional_api.reviews.models import ProductRating, Review
from transactional_api.risk.models import RiskDecision, RiskReview
from transactional_api.search.models import (
    SearchDocument,
    SearchDocumentCategory,
    SearchDocumentLabel,
    SearchSyncState,
)
from transactional_api.settlement import models as _settlement  # noqa: F401 (settlement's tables)
from transactional_api.shipping.models import ShippingRate, TaxRate
from transactional_api.tags.models import Audience, TagDefinition, UserTag
from transactional_api.translations import models as _i18n  # noqa: F401 (its tables)

__all__ = [
    "AuthToken", "Base", "Cart", "CartItem", "Category", "Order", "OrderItem", "OutboxEvent",
    "Payment", "PaymentEvent", "Product", "Sku", "StockLevel", "StockMovement", "User",
    "Brand", "Merchant", "ProductStatusChange", "BundleComponent", "PresaleAllotment",
    "StockReservation", "Warehouse",
    "SearchDocument", "SearchDocumentCategory", "SearchDocumentLabel", "SearchSyncState",
    "Address", "SubOrder", "ShippingRate", "TaxRate",
    "AfterSalesRequest", "AfterSalesLine", "Alert", "CampaignCost",
    "GrowthEntry", "MemberAccount", "MemberCursor", "PointsEntry",
    "Shipment", "ShipmentSubOrder", "TrackingEvent", "CarrierScheduledEvent", "Invoice",
    "InvoiceCounter",
    "IdentityCode", "RecoveryCode", "SandboxMessage", "UserPhone", "UserTotp",
    "OidcLink",
    "Review", "ProductRating",
    "RoleGrant",
    "Audience", "TagDefinition", "UserTag",
    "AudienceEntry", "Campaign", "ReachCursor", "ReachMessage",
    "RiskDecision", "RiskReview",
    "RecoRule",
]
