"""The same bulk paths on PostgreSQL (skipped when its server binaries are missing)."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.catalog_io.conftest import add_taxonomy, fresh_sessions, parse_csv, row, to_csv
from tests.catalog_io.olist_sample import load, write_sample
from tests.conftest import make_settings, run_api
from transactional_api.catalog import csv_io
from transactional_api.catalog.csv_export import export_csv
from transactional_api.catalog.models import Product, Sku
from transactional_api.core.db import transaction
from transactional_api.inventory import service as inventory


@pytest.fixture
def pg_url(postgres_url) -> str:
    """A database of its own on the session's PostgreSQL server."""
    url = make_url(postgres_url)
    name = f"catalog_io_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def pg_sessions(pg_url):
    yield from fresh_sessions(pg_url)


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


def test_http_import_and_streamed_export_on_postgres(pg_url, tmp_path, redis_server):
    for api in run_api(make_settings(tmp_path / "var", redis_server.url, database_url=pg_url)):
        with api.client(api.admin_token()) as admin:
            admin.post("/v1/admin/categories", json={"name": "Tops", "slug": "tops"})
            admin.post("/v1/admin/merchants", json={"name": "Acme", "slug": "acme-store"})
            rows = [row(product_handle=f"p{i}", sku_code=f"PG-{i}") for i in range(1200)]
            r = admin.post("/v1/admin/catalog/import", content=to_csv(rows),
                           headers={"Content-Type": "text/csv"})
            assert r.status_code == 201, r.text
            exported = parse_csv(admin.get("/v1/admin/catalog/export").text)
    assert sorted(e["sku_code"] for e in exported) == sorted(f"PG-{i}" for i in range(1200))
