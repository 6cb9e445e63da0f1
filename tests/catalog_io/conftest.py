"""Fresh databases with the schema at head, and small helpers to build catalog CSVs."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from transactional_api.catalog import taxonomy
from transactional_api.catalog.schemas import CategoryIn, MerchantIn
from transactional_api.core.db import make_engine, transaction
from transactional_api.migrations import upgrade

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("FLYWHEEL_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
OLIST = SHARED_DATA / "olist"


def fresh_sessions(url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(url)
    engine = make_engine(url)
    try:
        yield sessionmaker(engine, expire_on_commit=False)
    finally:
        engine.dispose()


@pytest.fixture
def sessions(tmp_path) -> Iterator[sessionmaker[Session]]:
    yield from fresh_sessions(f"sqlite:///{tmp_path / 'oltp.sqlite3'}")


@pytest.fixture
def make_db(tmp_path):
    """make_db(name) -> sessions of a fresh SQLite database; all disposed at teardown."""
    opened = []

    def make(name: str) -> sessionmaker[Session]:
        gen = fresh_sessions(f"sqlite:///{tmp_path / name}")
        opened.append(gen)
        return next(gen)

    yield make
    for gen in opened:
        gen.close()


def add_taxonomy(sessions, *, categories=("tops", "shoes"), merchants=("acme-store",)) -> None:
    with transaction(sessions) as s:
        for slug in categories:
            taxonomy.create_category(session=s, data=CategoryIn(name=slug.title(), slug=slug))
        for slug in merchants:
            taxonomy.create_merchant(session=s, data=MerchantIn(name=slug.title(), slug=slug,
                                                                region="SP", city="Campinas"))


def row(**cells: str) -> dict[str, str]:
    """A valid one-SKU product row; keyword arguments override cells."""
    base = {"product_handle": "tee", "product_name": "Basic tee", "description": "Cotton.",
            "category_slug": "tops", "brand": "Acme", "merchant_slug": "acme-store",
            "status": "listed", "labels": "new|eco", "images": "https://img.example/tee.jpg",
            "sku_code": "TEE-S", "sku_name": "Basic tee S", "kind": "standard",
            "attributes": "size=S", "price_cents": "1999", "currency": "USD", "stock": "5",
            "weight_grams": "200", "length_cm": "30", "width_cm": "20", "height_cm": "2",
            "ship_from_date": ""}
    base.update(cells)
    return base


def to_csv(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(rows[0]), lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))
