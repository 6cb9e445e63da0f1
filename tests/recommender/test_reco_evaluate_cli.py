"""`flywheel reco evaluate --json` end to end on a small DuckDB warehouse built here."""

import json
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from transactional_api.cli.main import main

T0 = datetime(2026, 2, 1, tzinfo=UTC)


def _marts(seed: int = 5):
    """Three blocks of shoppers each browsing their block's items; the last visit is late.

    Block 0 has three times the shoppers, so popularity pushes its items to everyone.
    """
    rng = np.random.default_rng(seed)
    rows, lines = [], []
    for block in range(3):
        for u in range(60 if block == 0 else 20):
            user = f"b{block}u{u}"
            items = [f"b{block}i{i}" for i in rng.choice(10, 6, replace=False)]
            for step, pid in enumerate(items):
                day = 9.5 if step == len(items) - 1 else step * 1.5
                rows.append({"visitor_key": f"v-{user}", "user_id": user,
                             "session_key": f"s-{user}-{int(day)}", "product_id": pid,
                             "interaction_type": "view", "weight": 1,
                             "occurred_at": T0 + timedelta(days=day)})
            lines += [{"order_id": f"o-{user}", "product_id": pid, "user_id": user,
                       "created_at": T0 + timedelta(days=2), "is_paid": True}
                      for pid in items[:2]]
    products = pd.DataFrame({"product_id": [f"b{b}i{i}" for b in range(3) for i in range(12)]})
    return pd.DataFrame(rows), pd.DataFrame(lines), products


@pytest.fixture
def warehouse(tmp_path):
    interactions, order_items, products = _marts()
    path = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("create schema marts")
    for name, frame in (("fct_product_interactions", interactions),
                        ("fct_order_items", order_items), ("dim_products", products)):
        conn.register("frame", frame)
        conn.execute(f"create table marts.{name} as select * from frame")
        conn.unregister("frame")
    conn.close()
    return path


def test_evaluate_prints_one_json_object_last_and_writes_the_report(warehouse, tmp_path,
                                                                    capfd):
    report = tmp_path / "reports" / "reco.md"
    code = main(["reco", "evaluate", "--json", "--k", "5", "--warehouse", str(warehouse),
                 "--report", str(report)])
    out, err = capfd.readouterr()
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    models = result["models"]
    assert {"popularity", "trending", "viewed_together", "fbt", "als"} <= set(models)
    assert result["users"] == 100 and result["catalog_size"] == 36
    for figures in models.values():
        assert 0 <= figures["hr@5"] <= 1 and figures["mrr@5"] <= figures["hr@5"]
    # minority blocks (40 of 100 users) never hit with block 0's best-sellers; ALS should
    assert models["als"]["hr@5"] > models["popularity"]["hr@5"] + 0.1
    assert models["popularity"]["popularity_bias"] >= models["als"]["popularity_bias"]
    assert "| als |" in report.read_text()
    assert "split at" in err  # progress goes to stderr


def test_missing_warehouse_is_exit_2_with_a_message(tmp_path, capfd):
    code = main(["reco", "evaluate", "--json", "--warehouse", str(tmp_path / "none.duckdb"),
                 "--report", str(tmp_path / "r.md")])
    out, err = capfd.readouterr()
    assert code == 2
    assert "no warehouse at" in err and "Traceback" not in err
    assert not (tmp_path / "r.md").exists()


def test_interactions_file_instead_of_the_warehouse(tmp_path, capfd):
    interactions, order_items, _ = _marts()
    interactions.to_parquet(tmp_path / "i.parquet")
    order_items.rename(columns={"created_at": "ordered_at"}).to_parquet(tmp_path / "o.parquet")
    code = main(["reco", "evaluate", "--json", "--interactions", str(tmp_path / "i.parquet"),
                 "--orders", str(tmp_path / "o.parquet"), "--report", str(tmp_path / "r.md")])
    out, err = capfd.readouterr()
    assert code == 0, err
    assert "fbt" in json.loads(out.strip().splitlines()[-1])["models"]
