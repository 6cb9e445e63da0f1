"""Recommendations: CTR and recommendation-attributed GMV per model and placement over days,
the A/B comparison of variants with a confidence interval for the CTR difference, and the
offline evaluation of every list model beside popularity over the pipeline runs."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboards import data, kpis
from dashboards import recommendations_data as reco
from dashboards.components import chart_with_download, require_warehouse, selected_range

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the recommendation marts existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)
CONFIDENCE = 0.95

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)

st.title("Recommendations")


def online_section() -> None:
    try:
        days = reco.performance_days(path, version, start, end)
        ab = reco.ab_days(path, version, start, end)
    except data.WarehouseUnavailable:
        st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
        return
    hours = int(days["attribution_hours"].max()) if not days.empty else 24
    st.caption(
        f"{start} to {end} (UTC). Source: the storefront's recommendation_shown and "
        "recommendation_clicked events (marts.fct_recommendation_performance_daily and "
        "marts.fct_recommendation_ab_daily) with the OLTP's paid order lines. A paid order line "
        f"is attributed to the buyer's last click on that product in a recommendation within "
        f"{hours} hours before the order, on the click's day, placement, model and variant."
    )
    if days.empty:
        st.info("No recommendation was shown in this range yet.")
        return

    currency = str(days["currency"].iloc[0])
    impressions, clicks = int(days["impressions"].sum()), int(days["clicks"].sum())
    tiles = [
        ("Impressions", kpis.format_count(impressions), "Recommended items shown."),
        ("Clicks", kpis.format_count(clicks), "Distinct (list, item) pairs clicked."),
        ("CTR", kpis.format_rate(clicks / impressions if impressions else 0.0),
         "Clicks / impressions."),
        ("Attributed orders", kpis.format_count(int(days["attributed_orders"].sum())),
         "Paid orders with a line attributed to a recommendation click (per model and day)."),
        ("Attributed GMV", kpis.format_cents(int(days["attributed_gmv_cents"].sum()), currency),
         "Goods revenue of the attributed lines."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, help=help_text, border=True)

    st.subheader("By model and placement")
    models = reco.per_model_placement(days)
    st.dataframe(models.assign(
        ctr=[kpis.format_rate(r) for r in models["ctr"]],
        attributed_gmv=[kpis.format_cents(int(c), currency)
                        for c in models["attributed_gmv_cents"]],
    )[["model", "placement", "lists_shown", "impressions", "clicks", "ctr", "attributed_orders",
       "attributed_gmv"]], hide_index=True)
    series = reco.by_model_placement(days)
    chart_with_download(
        alt.Chart(series).mark_line(point=True).encode(
            x=alt.X("activity_date:T", title="Day"),
            y=alt.Y("ctr:Q", title="CTR", axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title="Model / placement"),
            tooltip=["activity_date:T", "series:N", "impressions:Q", "clicks:Q",
                     alt.Tooltip("ctr:Q", format=".2%")]),
        series, name="recommendations-ctr-daily")
    chart_with_download(
        alt.Chart(series.assign(attributed_gmv=series["attributed_gmv_cents"] / 100)).mark_bar()
        .encode(
            x=alt.X("activity_date:T", title="Day"),
            y=alt.Y("attributed_gmv:Q", title=f"Attributed GMV ({currency})"),
            color=alt.Color("series:N", title="Model / placement"),
            tooltip=["activity_date:T", "series:N", "attributed_gmv:Q"]),
        series, name="recommendations-gmv-daily")

    st.subheader("A/B variants")
    variants = reco.per_variant(ab)
    st.caption(
        "Visitors are visitor-days (exposed on two days counts twice). Conversion: exposed "
        f"visitors with an order paid within {hours} hours after their first exposure of the "
        "day, clicked or not. The CTR difference to the control (the first variant by name) "
        f"comes with a {CONFIDENCE:.0%} two-proportion z-interval (Wald, unpooled standard "
        "error, impressions as trials); it is significant when the interval excludes zero."
    )
    st.dataframe(variants.assign(
        ctr=[kpis.format_rate(r) for r in variants["ctr"]],
        conversion_rate=[kpis.format_rate(r) for r in variants["conversion_rate"]],
        gmv=[kpis.format_cents(int(c), currency) for c in variants["gmv_cents"]],
        gmv_per_exposed_visitor=[kpis.format_cents(round(c), currency)
                                 for c in variants["gmv_per_exposed_visitor_cents"]],
    )[["variant", "exposed_visitors", "impressions", "clicks", "ctr", "converted_visitors",
       "conversion_rate", "gmv", "gmv_per_exposed_visitor"]], hide_index=True)
    compared = reco.against_control(variants, CONFIDENCE)
    if compared.empty:
        st.info("A comparison needs at least two variants with impressions in this range.")
    else:
        st.dataframe(compared.assign(
            ctr_difference=[f"{d:+.2%}" for d in compared["ctr_difference"]],
            interval=[f"[{lo:+.2%}, {hi:+.2%}]" for lo, hi in zip(compared["low"],
                                                                  compared["high"], strict=True)],
        )[["variant", "control", "ctr_difference", "interval", "significant"]], hide_index=True)


NO_OFFLINE_MESSAGE = (
    "No offline evaluation yet: the pipelines write one per run once the warehouse has enough "
    "history (users with interactions before the split and new products after it). Run "
    "`flywheel pipeline run`, or `flywheel reco evaluate` for a one-off report."
)


def offline_section() -> None:
    st.subheader("Offline evaluation")
    try:
        runs = reco.offline_runs(path, version)
    except data.WarehouseUnavailable:
        st.info(NO_OFFLINE_MESSAGE, icon=":material/info:")
        return
    latest = reco.latest_offline_run(runs)
    if latest.empty:
        st.info(NO_OFFLINE_MESSAGE, icon=":material/info:")
        return
    newest = runs[runs["evaluated_at"] == runs["evaluated_at"].max()].iloc[0]
    k = int(newest["k"])
    st.caption(
        f"Latest run {newest['evaluated_at']:%Y-%m-%d %H:%M} UTC, over every day in the "
        f"warehouse (the date filter does not apply): interactions before "
        f"{newest['cut']:%Y-%m-%d %H:%M} UTC train every model; {int(newest['users']):,} users "
        "with history before that time and new products after it are scored on those new "
        f"products, their history excluded. HR@{k}: share of users with a target in the top "
        f"{k}; MRR and NDCG reward it ranked higher. Coverage: share of the catalog shown to "
        "anyone; popularity bias: mean popularity percentile of what is shown (1 = only "
        "best-sellers). × popularity: the model's figure over popularity's."
    )

    def times(ratio) -> str:
        return "—" if ratio is None or ratio != ratio else f"{ratio:.2f}×"

    st.dataframe(latest.assign(
        **{m: [f"{v:.3f}" for v in latest[m]] for m in reco.OFFLINE_METRICS},
        hr_vs_popularity=[times(r) for r in latest["hr_vs_popularity"]],
        ndcg_vs_popularity=[times(r) for r in latest["ndcg_vs_popularity"]],
    ).rename(columns={"hr": f"hr@{k}", "mrr": f"mrr@{k}", "ndcg": f"ndcg@{k}",
                      "hr_vs_popularity": "hr × popularity",
                      "ndcg_vs_popularity": "ndcg × popularity"}).drop(columns="users"),
        hide_index=True)
    bars = reco.offline_bars(latest, k)
    chart_with_download(
        alt.Chart(bars).mark_bar().encode(
            x=alt.X("model:N", title="Model", sort=list(latest["model"])),
            xOffset="metric:N",
            y=alt.Y("value:Q", title="Score"),
            color=alt.Color("metric:N", title="Metric"),
            tooltip=["model:N", "metric:N", alt.Tooltip("value:Q", format=".3f")]),
        bars, name="recommendations-offline-latest")

    history = reco.offline_history(runs, k)
    if history["evaluated_at"].nunique() < 2:
        st.caption("The history over runs appears from the second run.")
        return
    metric = st.selectbox("Metric over runs", list(reco.OFFLINE_METRICS), index=2,
                          format_func=reco.OFFLINE_METRICS.get)
    label = reco.OFFLINE_METRICS[metric]
    chart_with_download(
        alt.Chart(history).mark_line(point=True).encode(
            x=alt.X("evaluated_at:T", title="Run (UTC)"),
            y=alt.Y(f"{metric}:Q", title=label if metric in {"coverage", "popularity_bias"}
                    else f"{label}@{k}"),
            color=alt.Color("model:N", title="Model"),
            tooltip=["evaluated_at:T", "model:N", alt.Tooltip(f"{metric}:Q", format=".3f")]),
        history, name="recommendations-offline-history")


online_section()
offline_section()
