"""Flywheel operator dashboards: `streamlit run dashboards/app.py`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards.components import date_range_filter, published_at, require_warehouse

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="Flywheel operations", page_icon=":material/cyclone:", layout="wide")
navigation = st.navigation(
    [
        st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/monitoring:"),
        st.Page(PAGES_DIR / "funnel.py", title="Funnel", icon=":material/filter_alt:"),
        st.Page(PAGES_DIR / "inventory.py", title="Stock & search",
                icon=":material/inventory_2:"),
        st.Page(PAGES_DIR / "orders.py", title="Orders & fulfilment",
                icon=":material/local_shipping:"),
        st.Page(PAGES_DIR / "payments.py", title="Payments", icon=":material/payments:"),
        st.Page(PAGES_DIR / "after_sales.py", title="After-sales",
                icon=":material/assignment_return:"),
        st.Page(PAGES_DIR / "channels.py", title="Channels and campaigns",
                icon=":material/campaign:"),
        st.Page(PAGES_DIR / "products.py", title="Products", icon=":material/category:"),
        st.Page(PAGES_DIR / "ratings.py", title="Ratings", icon=":material/star:"),
        st.Page(PAGES_DIR / "customers.py", title="Customers", icon=":material/groups:"),
        st.Page(PAGES_DIR / "members.py", title="Members", icon=":material/loyalty:"),
        st.Page(PAGES_DIR / "tags.py", title="Tags", icon=":material/sell:"),
        st.Page(PAGES_DIR / "risk.py", title="Risk", icon=":material/gpp_maybe:"),
        st.Page(PAGES_DIR / "reach.py", title="Reach", icon=":material/forward_to_inbox:"),
        st.Page(PAGES_DIR / "markets.py", title="Markets", icon=":material/currency_exchange:"),
        st.Page(PAGES_DIR / "cross_border.py", title="Cross-border", icon=":material/public:"),
        st.Page(PAGES_DIR / "languages.py", title="Languages", icon=":material/translate:"),
        st.Page(PAGES_DIR / "suppliers.py", title="Suppliers", icon=":material/local_shipping:"),
        st.Page(PAGES_DIR / "merchant_office.py", title="Merchant office",
                icon=":material/storefront:"),
        st.Page(PAGES_DIR / "settlement.py", title="Settlement", icon=":material/account_balance:"),
        st.Page(PAGES_DIR / "credit.py", title="Credit", icon=":material/credit_card:"),
        st.Page(PAGES_DIR / "replenishment.py", title="Replenishment",
                icon=":material/inventory:"),
        st.Page(PAGES_DIR / "points_mall.py", title="Points mall", icon=":material/redeem:"),
        st.Page(PAGES_DIR / "landing.py", title="Landing pages & slots", icon=":material/web:"),
        st.Page(PAGES_DIR / "promoters.py", title="Promoters", icon=":material/share:"),
        st.Page(PAGES_DIR / "group_buys.py", title="Group buying", icon=":material/group_add:"),
        st.Page(PAGES_DIR / "recommendations.py", title="Recommendations",
                icon=":material/recommend:"),
        st.Page(PAGES_DIR / "flash_sales.py", title="Flash sales", icon=":material/bolt:"),
        st.Page(PAGES_DIR / "promotions.py", title="Promotions & coupons",
                icon=":material/local_offer:"),
        st.Page(PAGES_DIR / "data_health.py", title="Data health",
                icon=":material/health_and_safety:"),
    ]
)
# The filter lives in the entry script so its value survives switching pages.
_, version, bounds = require_warehouse()
st.sidebar.caption(
    "Read-only view of the warehouse the pipelines published at "
    f"{published_at(version):%Y-%m-%d %H:%M} UTC."
)
date_range_filter(bounds)
navigation.run()
