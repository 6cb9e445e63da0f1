"""The same bulk paths on PostgreSQL (skipped when its server binaries are missing)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.catalog_io.conftest import add_taxonomy, fresh_sessions, parse_csv, row, to_csv
from tests.catalog_io.olist_sample import load, write_sample
from transactional_api.catalog import csv_io
from transactional_api.catalog.csv_export import export_csv
from transactional_api.catalog.models import Product, Sku
from transactional_api.core.db import transaction
from transactional_api.inventory import service as inventory


@pytest.fixture
def pg_sessions(postgres_url):
    url = make_url(postgres_url)
    name = f"catalog_io_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield from fresh_sessions(url.set(database=name).render_as_string(hide_password=False))


def test_olist_and_csv_on_postgres(pg_sessions, tmp_path):
    folder = write_sample(tmp_path / "olist")
    done = load(pg_sessions, folder)
    assert (done.products, done.merchants, done.categories) == (8, 3, 7)
    assert load(pg_sessions, folder).skipped_products == 8
    add_taxonomy(pg_sessions)
    with transaction(pg_sessions) as s:
        csv_io.import_csv(session=s, data=to_csv([
            row(), row(sku_code="TEE-M", attributes="size=M", stock="2")]),
            currency="USD", actor_id=None)
    with pg_sessions() as s, s.begin():
        assert s.scalar(select(func.count()).select_from(Product)) == 9
        exported = parse_csv("".join(export_csv(session=s, page_size=3)))
        tee_m = s.scalar(select(Sku.id).where(Sku.code == "TEE-M"))
        assert inventory.sellable(session=s, sku_ids=[tee_m]) == {tee_m: 2}
    assert len(exported) == 10
    assert len({e["sku_code"] for e in exported}) == 10
