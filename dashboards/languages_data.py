"""Read-only query and pure summaries behind the Languages page
(marts.fct_translation_coverage), on the published warehouse like every dashboard query
(data.py). The query raises WarehouseUnavailable when the published warehouse predates
the translation mart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards.data import CACHE_TTL_SECONDS, _query

ENTITY_TYPES = ["product", "category", "brand", "landing_page", "message_template"]
COUNTS = ["entities", "translated_entities", "translated_fields", "recent_changes",
          "recent_created", "recent_updated", "recent_deleted"]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def coverage(path: str, version: int) -> pd.DataFrame:
    return _query(
        path,
        """
        select entity_type, lang, entities, translated_entities, coverage_share,
               translated_fields, recent_changes, recent_created, recent_updated,
               recent_deleted, recent_window_days, as_of_at
        from marts.fct_translation_coverage
        order by lang, entity_type
        """,
    )


def per_language(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per language: its translated entities over every live entity of every type
    (coverage_share; a type with no entities adds nothing), texts and recent changes
    summed. Best covered first."""
    columns = ["lang", *COUNTS, "coverage_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby("lang", as_index=False)[COUNTS].sum()
    entities = grouped["entities"].where(grouped["entities"] > 0)
    grouped["coverage_share"] = (grouped["translated_entities"] / entities).fillna(0.0)
    return grouped.sort_values(["coverage_share", "lang"], ascending=[False, True]) \
        .reset_index(drop=True)[columns]


def matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """Coverage share by entity type (rows, in ENTITY_TYPES order) and language (columns);
    NaN where the type has no live entity."""
    if rows.empty:
        return pd.DataFrame(index=pd.Index([], name="entity_type"))
    wide = rows.pivot(index="entity_type", columns="lang", values="coverage_share")
    order = [t for t in ENTITY_TYPES if t in wide.index]
    return wide.reindex(order)[sorted(wide.columns)]


def gaps(rows: pd.DataFrame) -> pd.DataFrame:
    """Entity type and language pairs with live entities still untranslated, most missing
    first: entity_type, lang, missing (= entities - translated_entities)."""
    out = rows.assign(missing=rows["entities"] - rows["translated_entities"])
    out = out[out["missing"] > 0]
    return out.sort_values(["missing", "entity_type", "lang"], ascending=[False, True, True]) \
        .reset_index(drop=True)[["entity_type", "lang", "missing"]]
