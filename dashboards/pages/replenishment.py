"""Replenishment: how well the demand forecast did against the naive one, how many days
each SKU's stock lasts, and what the pipelines suggest reordering."""

from __future__ import annotations

import streamlit as st

from dashboards import data
from dashboards import replenishment_data as rd
from dashboards.components import require_warehouse

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the replenishment tables existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)

path, version, _ = require_warehouse()
st.title("Replenishment")
try:
    accuracy = rd.forecast_accuracy(path, version)
    cover = rd.stock_cover(path, version)
    suggested = rd.suggestions(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()

st.subheader("Forecast accuracy")
model, naive = rd.weighted_wape(accuracy)
left, middle, right = st.columns(3)
left.metric("Forecast WAPE", "—" if model is None else f"{model:.1%}")
middle.metric("Naive WAPE", "—" if naive is None else f"{naive:.1%}")
right.metric("Series beating naive", f"{rd.beats_naive(accuracy)} of {len(accuracy)}")
st.caption("WAPE on the last days held back from the fit: sum of absolute errors over "
           "units sold. Naive: the same weekday of the last observed week.")
st.dataframe(accuracy, hide_index=True)

st.subheader("Stock cover")
st.caption("Days the stock on hand lasts at the mean daily demand of the last 28 days.")
st.dataframe(cover, hide_index=True)

st.subheader("Reorder suggestions")
if suggested.empty:
    st.info("No SKU needs reordering now.", icon=":material/inventory:")
else:
    st.caption("Turn one into a draft purchase order with POST "
               "/v1/admin/replenishment/suggestions/{sku_id}/{location_id}/purchase-order.")
    st.dataframe(suggested, hide_index=True)
