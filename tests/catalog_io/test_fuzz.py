"""Random bodies at the import endpoint, random CSV text as the file: never a 5xx, every
answer documented, and nothing written unless the file was valid."""

from __future__ import annotations

import csv
import io

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.catalog_io.conftest import row
from tests.conftest import make_settings, run_api
from tests.fuzzing import fuzz_operation
from transactional_api.catalog.csv_format import COLUMNS


@pytest.fixture(scope="module")
def live(tmp_path_factory, redis_server):
    for api in run_api(make_settings(tmp_path_factory.mktemp("csv-fuzz") / "var",
                                     redis_server.url)):
        with api.client(api.admin_token()) as admin:
            admin.post("/v1/admin/categories", json={"name": "Tops", "slug": "tops"})
            admin.post("/v1/admin/merchants", json={"name": "Acme", "slug": "acme-store"})
        yield api


def test_schema_driven_fuzzing_of_the_csv_endpoints(live):
    token = live.admin_token()
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json", timeout=120)
    for path, method in (("/v1/admin/catalog/import", "POST"),
                         ("/v1/admin/catalog/export", "GET")):
        fuzz_operation(schema[path][method], base_url=live.url, max_examples=30,
                       header_sets=[{}, {"Authorization": f"Bearer {token}"}])


# Cells drawn from values that break naive parsers: quotes, separators, line breaks,
# formula starts, non-ASCII, numbers in the wrong shape.
_CELL = st.one_of(
    st.sampled_from(["", "tops", "listed", "standard", "1999", "-1", "1.5", "1e3", " 7",
                     "=cmd|' /C calc'!A0", "new|hot", "size=M;colour=red", "a=b=c", "USD",
                     "EUR", "\"", "\r\n", ",", "\x00", "é", "https://x.example/a.jpg"]),
    st.text(max_size=30))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
          database=None)
@given(cells=st.lists(st.lists(_CELL, min_size=len(COLUMNS), max_size=len(COLUMNS)),
                      min_size=1, max_size=5),
       drop=st.sets(st.sampled_from(COLUMNS), max_size=3),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
def test_hostile_csv_text_is_a_4xx_or_a_clean_import(live, cells, drop, encoding):
    columns = [c for c in COLUMNS if c not in drop]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for values in cells:
        writer.writerow([v for c, v in zip(COLUMNS, values, strict=True) if c not in drop])
    try:
        body = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        body = out.getvalue().encode("utf-8", "replace")
    with live.client(live.admin_token()) as admin:
        before = admin.get("/v1/admin/catalog/export").text
        r = admin.post("/v1/admin/catalog/import", content=body,
                       headers={"Content-Type": "text/csv"})
        assert r.status_code in (201, 422), r.text
        if r.status_code == 422:
            assert r.json()["error"]["code"] == "invalid_csv"
            assert admin.get("/v1/admin/catalog/export").text == before


def test_a_valid_row_among_the_random_ones_still_imports(live):
    # guards the test above: the same path does accept a clean file
    with live.client(live.admin_token()) as admin:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(row(sku_code="FUZZ-OK"))
        r = admin.post("/v1/admin/catalog/import", content=out.getvalue().encode(),
                       headers={"Content-Type": "text/csv"})
        assert r.status_code == 201, r.text
