"""`flywheel bench search` at a tiny size, on a tiny Olist-shaped catalog written here."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from transactional_api.cli.main import main

pytestmark = pytest.mark.slow

CATEGORIES = {"perfumaria": "perfumery", "esporte_lazer": "sports_leisure",
              "cama_mesa_banho": "bed_bath_table"}


def olist_folder(root: Path, products: int = 60) -> Path:
    """The three files `flywheel import olist-catalog` reads, with Olist's headers."""
    root.mkdir()
    with (root / "product_category_name_translation.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["product_category_name", "product_category_name_english"])
        w.writerows(CATEGORIES.items())
    sellers = [f"{i:032x}" for i in range(1, 5)]
    with (root / "olist_sellers_dataset.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["seller_id", "seller_zip_code_prefix", "seller_city", "seller_state"])
        w.writerows([s, "13023", "campinas", "SP"] for s in sellers)
    with (root / "olist_products_dataset.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["product_id", "product_category_name", "product_name_lenght",
                    "product_description_lenght", "product_photos_qty", "product_weight_g",
                    "product_length_cm", "product_height_cm", "product_width_cm"])
        names = list(CATEGORIES)
        w.writerows([f"{i + 1000:032x}", names[i % len(names)], 40, 200, 1, 100 + i, 20, 10, 15]
                    for i in range(products))
    return root


def test_bench_search_loads_the_catalog_and_reports_the_ratio(tmp_path, capsys):
    folder = olist_folder(tmp_path / "olist")
    assert main(["bench", "search", "--olist", str(folder), "--requests", "30",
                 "--concurrency", "2", "--pool", "4", "--json"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["products"] == 60  # imported by the real import command, then searched
    assert figures["queries"] >= 1
    for side in ("search", "trivial"):
        assert figures[side]["requests"] == 30 and figures[side]["errors"] == 0
    assert figures["p50_ratio"] == figures["search"]["p50"] / figures["trivial"]["p50"]
    assert "search vs /healthz" in out
