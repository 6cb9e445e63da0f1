"""Data health: metric anomalies against their bands, freshness of each source, dbt test and
build results, and the last pipeline runs."""

from __future__ import annotations

from datetime import UTC, datetime

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, health_data, kpis
from dashboards.components import chart_with_download, require_warehouse, selected_range
from transactional_api.config import get_settings

# metric -> (title, axis title, scale from the stored unit to the shown one)
METRICS = {
    "gmv_cents": ("GMV", "GMV ({currency})", 0.01),
    "paid_orders": ("Paid orders", "orders", 1.0),
    "conversion_rate": ("Conversion rate", "% of sessions", 100.0),
    "payment_failures": ("Payment failures", "failed payments", 1.0),
}
OLD_WAREHOUSE_MESSAGE = ("This warehouse was published before the anomaly marts existed. Run "
                         "the pipelines again: `flywheel pipeline run`.")

path, version, bounds = require_warehouse()
start, end = selected_range(bounds)
currency = get_settings().default_currency
now = datetime.now(UTC)

st.title("Data health")
st.caption(f"Anomalies {start:%Y-%m-%d} to {end:%Y-%m-%d} (UTC); freshness, checks and runs "
           "as of the latest build.")


def _band_chart(frame: pd.DataFrame, axis_title: str) -> alt.LayerChart:
    base = alt.Chart(frame).encode(x=alt.X("metric_date:T", title=None))
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("lower_bound:Q", title=axis_title), y2="upper_bound:Q",
        tooltip=[alt.Tooltip("metric_date:T"), alt.Tooltip("lower_bound:Q", format=",.2f"),
                 alt.Tooltip("upper_bound:Q", format=",.2f")])
    line = base.mark_line(point=True).encode(
        y="value:Q", tooltip=[alt.Tooltip("metric_date:T"), alt.Tooltip("value:Q", format=",.2f"),
                              alt.Tooltip("z_score:Q", format="+.2f")])
    flagged = base.transform_filter(alt.datum.is_anomaly).mark_point(
        size=120, filled=True, color="#d62728").encode(y="value:Q")
    return alt.layer(band, line, flagged)


def anomalies_section() -> None:
    st.header("Anomalies")
    try:
        frame = health_data.metric_anomalies(path, version, start, end)
    except data.WarehouseUnavailable:
        st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
        return
    if frame.empty:
        st.info("No metric history in this date range yet.")
        return
    flagged = frame[frame["is_anomaly"]]
    st.caption(
        "Each day against the same weekday of the previous weeks: the band is the mean "
        "-/+ the z-score threshold times their standard deviation (marts.fct_metric_anomalies"
        "). Red points are anomalies; today is never flagged while it fills up.")
    st.metric("Anomalies in range", kpis.format_count(len(flagged)), border=True)
    columns = st.columns(2)
    for index, (metric, (title, axis, scale)) in enumerate(METRICS.items()):
        rows = frame[frame["metric_name"] == metric]
        with columns[index % 2]:
            st.subheader(title)
            if rows.empty:
                st.caption("No values in this range.")
                continue
            shown = pd.DataFrame({
                "metric_date": rows["metric_date"],
                "value": rows["metric_value"] * scale,
                "lower_bound": rows["lower_bound"] * scale,
                "upper_bound": rows["upper_bound"] * scale,
                "z_score": rows["z_score"],
                "is_anomaly": rows["is_anomaly"],
            })
            chart_with_download(_band_chart(shown, axis.format(currency=currency)), shown,
                                name=f"anomalies-{metric}")
    if not flagged.empty:
        st.subheader("Flagged days")
        st.dataframe(
            flagged[["metric_date", "metric_name", "metric_value", "history_mean",
                     "lower_bound", "upper_bound", "z_score", "direction"]]
            .sort_values(["metric_date", "metric_name"], ascending=[False, True]),
            hide_index=True, width="stretch")


def alerts_section() -> None:
    st.header("Alerts raised")
    try:
        raised = health_data.raised_alerts(path, version, start, end)
    except data.WarehouseUnavailable:
        st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
        return
    if raised.empty:
        st.info("No alert was raised in this date range.")
        return
    st.caption("Warehouse anomalies and real-time payment-failure spikes, as the shop raised "
               "them (acknowledge them at POST /v1/admin/alerts/{id}/ack).")
    per_day = (raised.groupby(["raised_date", "alert_kind"]).size()
               .reset_index(name="alerts"))
    chart = alt.Chart(per_day).mark_bar().encode(
        x=alt.X("raised_date:T", title=None), y=alt.Y("alerts:Q", title="alerts"),
        color=alt.Color("alert_kind:N", title="kind"),
        tooltip=["raised_date:T", "alert_kind:N", "alerts:Q"])
    chart_with_download(chart, per_day, name="alerts-per-day")
    st.dataframe(raised.head(50).drop(columns=["raised_date"]), hide_index=True,
                 width="stretch")


def _age_hours(stamps: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(stamps, utc=True)
    return ((now - parsed).dt.total_seconds() / 3600).round(1)


def freshness_section() -> None:
    st.header("Freshness")
    left, right = st.columns(2)
    with left:
        st.subheader("Events by type")
        try:
            events = health_data.event_freshness(path, version)
        except data.WarehouseUnavailable:
            st.info("No raw events in the published warehouse.")
        else:
            events = events.assign(hours_since_load=_age_hours(events["loaded_at"]))
            st.dataframe(events, hide_index=True, width="stretch")
    with right:
        st.subheader("OLTP snapshot")
        try:
            tables = health_data.snapshot_freshness(path, version)
        except data.WarehouseUnavailable:
            st.info("No OLTP snapshot in the published warehouse.")
            return
        taken = health_data.materialized_at()
        tables = tables.assign(
            snapshot_at=[taken.get(f"oltp/{t}") for t in tables["table_name"]])
        tables["hours_since_snapshot"] = _age_hours(tables["snapshot_at"])
        st.dataframe(tables, hide_index=True, width="stretch")
        if not taken:
            st.caption("Snapshot times come from Dagster's records (DAGSTER_HOME); none found.")


def checks_section() -> None:
    st.header("dbt tests and asset checks")
    generated, results = health_data.latest_run_results()
    if results.empty:
        st.info("No dbt results yet (dbt_project/target/**/run_results.json): run the "
                "pipelines.")
        return
    tests = results[results["resource_type"] == "test"]
    built = results[results["resource_type"] != "test"]
    failing = results[~results["status"].isin(["pass", "success", "skipped"])]
    tiles = [
        ("Tests passed", f"{int((tests['status'] == 'pass').sum()):,} of {len(tests):,}"),
        ("Tests failing", kpis.format_count(int(tests["status"].isin(["fail", "error"]).sum()))),
        ("Tests warning", kpis.format_count(int((tests["status"] == "warn").sum()))),
        ("Models built", f"{int((built['status'] == 'success').sum()):,} of {len(built):,}"),
    ]
    for column, (label, value) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(label, value, border=True)
    if generated is not None:
        st.caption(f"dbt run of {generated:%Y-%m-%d %H:%M} UTC. Each test is also an asset "
                   "check in the Dagster UI.")
    if failing.empty:
        st.success("Every test passed and every model built.", icon=":material/check_circle:")
    else:
        st.dataframe(failing[["resource_type", "name", "status", "failures", "message"]],
                     hide_index=True, width="stretch")
    slowest = built.dropna(subset=["execution_time"]).nlargest(10, "execution_time")
    if not slowest.empty:
        st.subheader("Slowest models")
        chart = alt.Chart(slowest).mark_bar().encode(
            y=alt.Y("name:N", sort="-x", title=None),
            x=alt.X("execution_time:Q", title="seconds"),
            tooltip=["name:N", alt.Tooltip("execution_time:Q", format=".2f")])
        chart_with_download(chart, slowest[["name", "status", "execution_time"]],
                            name="dbt-slowest-models")


def runs_section() -> None:
    st.header("Last pipeline runs")
    runs = health_data.pipeline_runs()
    if runs.empty:
        st.info("No pipeline runs recorded in DAGSTER_HOME yet.")
        return
    chart = alt.Chart(runs.dropna(subset=["duration_s"])).mark_bar().encode(
        x=alt.X("started_at:T", title=None), y=alt.Y("duration_s:Q", title="seconds"),
        color=alt.Color("status:N"), tooltip=["run_id:N", "job:N", "status:N",
                                              alt.Tooltip("duration_s:Q", format=".1f")])
    chart_with_download(chart, runs, name="pipeline-runs")
    st.dataframe(runs, hide_index=True, width="stretch")


anomalies_section()
alerts_section()
freshness_section()
checks_section()
runs_section()
