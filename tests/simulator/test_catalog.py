from __future__ import annotations

import csv
from pathlib import Path

import pytest

from transactional_api.simulator.catalog import build_demo_catalog, build_olist_catalog

OLIST = Path("/work/shared/data/olist")


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_demo_catalog_is_valid(seed):
    spec = build_demo_catalog(seed)
    assert len(spec.products) == 40
    slugs = [c.slug for c in spec.categories]
    assert len(slugs) == len(set(slugs))
    seen: set[str] = set()
    for cat in spec.categories:  # parents are listed before their children
        assert cat.parent_slug is None or cat.parent_slug in seen
        seen.add(cat.slug)
    names = [p.name for p in spec.products]
    assert len(names) == len(set(names))
    codes = [s.code for p in spec.products for s in p.skus]
    assert len(codes) == len(set(codes))
    for p in spec.products:
        assert p.category_slug in seen
        assert 1 <= len(p.skus) <= 3
        for s in p.skus:
            assert isinstance(s.price_cents, int) and s.price_cents > 0
            assert isinstance(s.stock, int) and s.stock > 0


def test_demo_catalog_is_deterministic():
    assert build_demo_catalog(5) == build_demo_catalog(5)
    assert build_demo_catalog(5) != build_demo_catalog(6)


def _write_olist(folder: Path) -> None:
    with (folder / "olist_products_dataset.csv").open("w", encoding="utf-8-sig",
                                                       newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["product_id", "product_category_name", "product_weight_g"])
        w.writerow(["aaaa1111bbbb2222", "beleza_saude", "250"])
        w.writerow(["cccc3333dddd4444", "beleza_saude", ""])
        w.writerow(["eeee5555ffff6666", "", "100"])  # no category: skipped
        w.writerow(["0000777788889999", "informatica_acessorios", "900"])
    with (folder / "product_category_name_translation.csv").open(
            "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["product_category_name", "product_category_name_english"])
        w.writerow(["beleza_saude", "health_beauty"])
        w.writerow(["informatica_acessorios", "computers_accessories"])


def test_olist_catalog_from_small_file(tmp_path):
    _write_olist(tmp_path)
    spec = build_olist_catalog(tmp_path, seed=1, products=10)
    assert {c.slug for c in spec.categories} == {"health-beauty", "computers-accessories"}
    assert len(spec.products) == 3
    assert all(p.name.startswith(("Health Beauty #", "Computers Accessories #"))
               for p in spec.products)
    assert all(s.price_cents > 0 for p in spec.products for s in p.skus)
    assert build_olist_catalog(tmp_path, seed=1, products=10) == spec


@pytest.mark.skipif(not OLIST.exists(), reason="Olist sample not available")
def test_olist_catalog_from_real_file():
    spec = build_olist_catalog(OLIST, seed=3, products=50)
    assert len(spec.products) == 50
    assert len({p.name for p in spec.products}) == 50
    assert all(isinstance(s.price_cents, int) and s.price_cents > 0
               for p in spec.products for s in p.skus)
