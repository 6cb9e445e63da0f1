"""Languages: how much of the catalog, the landing pages and the message templates each
language covers, what is still untranslated, and recent translation work."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data, kpis, languages_data
from dashboards.components import chart_with_download, require_warehouse

OLD_WAREHOUSE_MESSAGE = (
    "This warehouse was published before the translation coverage mart existed. Run the "
    "pipelines again: `flywheel pipeline run`."
)

path, version, _ = require_warehouse()
st.title("Languages")
try:
    rows = languages_data.coverage(path, version)
except data.WarehouseUnavailable:
    st.info(OLD_WAREHOUSE_MESSAGE, icon=":material/info:")
    st.stop()
if rows.empty:
    st.info("No translated text yet: add some under /v1/admin/translations.")
    st.stop()

window = int(rows["recent_window_days"].iloc[0])
as_of = rows["as_of_at"].iloc[0]
st.caption(
    "Coverage now: live entities (products not delisted, categories, brands, landing pages "
    "and campaigns not archived) with at least one text in the language itself (the API "
    f"falls back from pt-BR to pt, this count does not). Changes: the {window} days up to "
    f"{as_of if pd.notna(as_of) else 'the latest event'} (UTC). Definitions: "
    "dbt_project/models/marts/translations/_translations.yml."
)
languages = languages_data.per_language(rows)
best = languages.iloc[0]
tiles = [
    ("Languages", kpis.format_count(len(languages)), "Languages with a text or a recent change."),
    ("Best covered", f"{best['lang']} {kpis.format_rate(float(best['coverage_share']))}",
     "Translated entities over live entities, every type together."),
    ("Texts", kpis.format_count(int(languages["translated_fields"].sum())),
     "Translated fields of live entities, every language."),
    (f"Changes, {window} days", kpis.format_count(int(languages["recent_changes"].sum())),
     "Texts created, reworded or deleted."),
]
for column, (label, value, help_text) in zip(st.columns(len(tiles)), tiles, strict=True):
    column.metric(label, value, help=help_text, border=True)

st.subheader("By language")
st.dataframe(languages.assign(coverage=[kpis.format_rate(float(r))
                                        for r in languages["coverage_share"]])[
    ["lang", "coverage", "translated_entities", "entities", "translated_fields",
     "recent_created", "recent_updated", "recent_deleted"]], hide_index=True)

st.subheader("Coverage by type")
chart_with_download(
    alt.Chart(rows.dropna(subset=["coverage_share"])).mark_rect().encode(
        x=alt.X("lang:N", title="Language"),
        y=alt.Y("entity_type:N", title=None, sort=languages_data.ENTITY_TYPES),
        color=alt.Color("coverage_share:Q", title="Coverage",
                        scale=alt.Scale(domain=[0, 1])),
        tooltip=["entity_type:N", "lang:N", "translated_entities:Q", "entities:Q",
                 alt.Tooltip("coverage_share:Q", format=".1%")]),
    languages_data.matrix(rows).reset_index(), name="translation-coverage")

missing = languages_data.gaps(rows)
st.subheader("Still untranslated")
if missing.empty:
    st.success("Every live entity has a text in every language.")
else:
    st.dataframe(missing, hide_index=True)
