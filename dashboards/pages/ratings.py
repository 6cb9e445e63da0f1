"""Ratings: what verified buyers think of the goods, by product, category and merchant."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis, ratings_data
from dashboards.components import chart_with_download, require_warehouse

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the ratings mart existed. Run the pipelines "
    "again: `flywheel pipeline run`."
)
TOP = 10

path, version, _ = require_warehouse()

st.title("Ratings")
st.caption(
    "All time (the date range does not apply): reviews by verified buyers, counted once "
    "an operator publishes them. Averages are stars to 2 decimals."
)

try:
    products = ratings_data.product_ratings(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
if products.empty:
    st.info("No product has been reviewed yet.")
    st.stop()

summary = ratings_data.summarize(products)
tiles = [
    ("Published reviews", kpis.format_count(summary.published),
     "Reviews an operator published; only these carry stars."),
    ("Average rating", "–" if summary.average is None else f"{summary.average:.2f} ★",
     "Stars of every published review / their number."),
    ("Waiting for moderation", kpis.format_count(summary.pending),
     "Reviews written and not yet published or rejected."),
    ("Rejected", kpis.format_count(summary.rejected), "Reviews an operator turned down."),
    ("Answered", "–" if summary.reply_rate is None else kpis.format_rate(summary.reply_rate),
     "Published reviews the shop replied to."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

left, right = st.columns(2)
with left:
    st.subheader("Stars")
    stars = ratings_data.histogram(products)
    chart_with_download(
        alt.Chart(stars).mark_bar().encode(
            x=alt.X("stars:O", title="Stars"), y=alt.Y("reviews:Q", title="Published reviews"),
            tooltip=["stars:O", "reviews:Q"]),
        stars, name="rating-histogram")
with right:
    st.subheader("By merchant")
    merchants = ratings_data.by_group(products, "merchant")
    chart_with_download(
        alt.Chart(merchants).mark_bar().encode(
            y=alt.Y("merchant_name:N", sort=merchants["merchant_name"].tolist(), title=None),
            x=alt.X("rating_avg:Q", title="Average stars", scale=alt.Scale(domain=[0, 5])),
            tooltip=["merchant_name:N", "reviews_published:Q",
                     alt.Tooltip("rating_avg:Q", format=".2f")]),
        merchants, name="ratings-by-merchant")

st.subheader("By category")
categories = ratings_data.by_group(products, "category")
chart_with_download(
    alt.Chart(categories).mark_bar().encode(
        y=alt.Y("category_name:N", sort=categories["category_name"].tolist(), title=None),
        x=alt.X("rating_avg:Q", title="Average stars", scale=alt.Scale(domain=[0, 5])),
        tooltip=["category_name:N", "reviews_published:Q",
                 alt.Tooltip("rating_avg:Q", format=".2f")]),
    categories, name="ratings-by-category")

rated = products[products["reviews_published"] > 0]
columns = {"product_name": "Product", "merchant_name": "Merchant",
           "reviews_published": "Published", "rating_avg": st.column_config.NumberColumn(
               "Average", format="%.2f"), "reviews_pending": "Pending"}
best, worst = st.columns(2)
with best:
    st.subheader("Best rated")
    st.dataframe(rated.sort_values(["rating_avg", "reviews_published"], ascending=False)
                 .head(TOP)[list(columns)], hide_index=True, column_config=columns)
with worst:
    st.subheader("Lowest rated")
    st.dataframe(rated.sort_values(["rating_avg", "reviews_published"], ascending=[True, False])
                 .head(TOP)[list(columns)], hide_index=True, column_config=columns)
