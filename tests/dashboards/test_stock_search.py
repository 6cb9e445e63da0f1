import pandas as pd

from dashboards.stock_search import (
    search_summary,
    sku_options,
    top_searches,
    trend_long,
    zero_result_queries,
)

QUERIES = pd.DataFrame(
    {
        "search_query": ["", "mug", "kettle", "spoon", "cup"],
        "searches": [10, 4, 4, 3, 1],
        "zero_result_searches": [2, 0, 4, 1, 0],
        "avg_results_count": [5.0, 3.0, 0.0, 0.5, 1.0],
    }
)


def test_summary_counts_filter_only_searches_too():
    summary = search_summary(QUERIES)
    assert (summary.searches, summary.zero_result_searches) == (22, 7)
    assert summary.zero_result_rate == 7 / 22
    assert search_summary(QUERIES.iloc[0:0]).zero_result_rate == 0.0


def test_top_and_zero_result_queries_leave_out_the_empty_query():
    assert top_searches(QUERIES)["search_query"].tolist() == ["kettle", "mug", "spoon", "cup"]
    assert top_searches(QUERIES, limit=1)["search_query"].tolist() == ["kettle"]
    assert zero_result_queries(QUERIES)["search_query"].tolist() == ["kettle", "spoon"]


def test_sku_options_put_still_low_skus_first():
    positions = pd.DataFrame(
        {
            "sku_id": ["s1", "s1", "s2", "s3"],
            "sku_code": ["S1", "S1", "S2", None],
            "product_name": ["Mug", "Mug", "Teapot", None],
        }
    )
    alerts = pd.DataFrame({"sku_id": ["s2", "s1"], "is_still_low": [True, None]})
    assert sku_options(positions, alerts) == {
        "Teapot · S2": "s2", "Mug · S1": "s1", "s3 · s3": "s3"}
    assert sku_options(positions.iloc[0:0], alerts) == {}


def test_trend_long_has_one_row_per_day_location_and_measure():
    trend = pd.DataFrame(
        {
            "position_date": ["2025-03-01", "2025-03-02"],
            "location": ["Main", "Main"],
            "on_hand": [5, 4],
            "reserved": [1, 0],
            "sellable": [4, 4],
        }
    )
    long = trend_long(trend)
    assert len(long) == 6
    assert set(long["measure"]) == {"on_hand", "reserved", "sellable"}
    assert long.loc[long["measure"] == "on_hand", "units"].tolist() == [5, 4]
