"""Catalog CSV import: read, validate every row, then write all of it or nothing.

Validation collects every error it can (line, column, message) before refusing, so one
round trip shows the operator the whole list; nothing is written unless the file is clean.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog.bulk import CatalogBatch, Progress, write_batch
from transactional_api.catalog.csv_format import (
    COLUMNS,
    MAX_ATTRIBUTE_VALUES,
    MAX_ATTRIBUTES,
    PRODUCT_COLUMNS,
    REQUIRED_COLUMNS,
    CsvRow,
    row_errors,
    slugify,
    unescape_cell,
)
from transactional_api.catalog.models import Brand, Category, Merchant, Sku
from transactional_api.core import clock
from transactional_api.core.db import new_id
from transactional_api.core.errors import Unprocessable

MAX_ERRORS = 1000
MAX_ROWS = 500_000
_IN_CHUNK = 500


@dataclass(frozen=True)
class ImportSummary:
    products: int
    skus: int
    brands_created: int


class _Errors:
    """Every problem found, keeping the first MAX_ERRORS for the answer."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.total = 0

    def add(self, line: int, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append({"line": line, "column": column or None, "message": message})

    def raise_if_any(self) -> None:
        if self.total:
            raise Unprocessable(
                f"the file has {self.total} error(s); nothing was imported", code="invalid_csv",
                details={"errors": self.items, "error_count": self.total,
                         "truncated": self.total > len(self.items)})


def _fail(line: int, message: str) -> Unprocessable:
    """A problem with the file as a whole, in the same shape as row errors."""
    return Unprocessable(f"the file cannot be imported: {message}", code="invalid_csv",
                         details={"errors": [{"line": line, "column": None, "message": message}],
                                  "error_count": 1, "truncated": False})


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheets put a byte-order mark first; it is not part of the header
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(data.count(b"\n", 0, exc.start) + 1,
                    f"the file is not UTF-8 (byte {exc.start}); save it as CSV UTF-8") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise _fail(text.count("\n", 0, nul) + 1, "the file contains NUL characters")
    return text


def read_records(data: bytes) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The header's column positions and the (line, cells) records after it, blank ones
    skipped. Structural problems (encoding, header, broken quoting) refuse the whole file."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if any(c.strip() for c in cells):
                    yield start, cells
        except csv.Error as exc:
            raise _fail(reader.line_num, f"the CSV cannot be read: {exc}") from None

    it = records()
    first = next(it, None)
    if first is None:
        raise _fail(1, "the file is empty: the first line must be the header")
    line, header = first
    names = [h.strip() for h in header]
    problems = []
    if unknown := [n for n in names if n not in COLUMNS]:
        problems.append(f"unknown column(s) {', '.join(repr(n[:40]) for n in unknown[:5])}")
    if missing := sorted(REQUIRED_COLUMNS - set(names)):
        problems.append(f"missing required column(s) {', '.join(missing)}")
    if len(set(names)) != len(names):
        problems.append("a column is repeated")
    if problems:
        raise _fail(line, "bad header: " + "; ".join(problems)
                    + f". Columns are: {', '.join(COLUMNS)}")
    return {n: i for i, n in enumerate(names)}, it


@dataclass
class _Parsed:
    line: int
    row: CsvRow


def parse_rows(data: bytes, *, currency: str, errors: _Errors) -> list[_Parsed]:
    positions, records = read_records(data)
    parsed: list[_Parsed] = []
    count = 0
    for line, cells in records:
        count += 1
        if count > MAX_ROWS:
            raise _fail(line, f"more than {MAX_ROWS} rows: split the file")
        if len(cells) != len(positions):
            errors.add(line, None, f"expected {len(positions)} fields, found {len(cells)}")
            continue
        raw = {name: "" for name in COLUMNS}
        raw.update({name: unescape_cell(cells[i]) for name, i in positions.items()})
        try:
            row = CsvRow.model_validate(raw)
        except ValidationError as exc:
            for column, message in row_errors(exc):
                errors.add(line, column, message)
            continue
        if row.currency not in (None, currency):
            errors.add(line, "currency", f"must be the shop's currency {currency}")
            continue
        parsed.append(_Parsed(line, row))
    if not parsed and not errors.total:
        raise _fail(1, "the file has a header but no rows")
    return parsed


def _existing(session: Session, column, values: Iterable[str]) -> set[str]:
    values = sorted(set(values))
    found: set[str] = set()
    for start in range(0, len(values), _IN_CHUNK):
        found.update(session.scalars(select(column).where(
            column.in_(values[start:start + _IN_CHUNK]))))
    return found


def _id_map(session: Session, model, slugs: Iterable[str]) -> dict[str, str]:
    slugs = sorted(set(slugs))
    out: dict[str, str] = {}
    for start in range(0, len(slugs), _IN_CHUNK):
        out.update(session.execute(select(model.slug, model.id).where(
            model.slug.in_(slugs[start:start + _IN_CHUNK]))).all())
    return out


def _check_file(session: Session, parsed: list[_Parsed], errors: _Errors
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Rules across rows and against the database; returns the category and merchant ids."""
    first_of: dict[str, _Parsed] = {}
    code_line: dict[str, int] = {}
    variants: dict[tuple[str, tuple], int] = {}
    specs: dict[str, dict[str, set[str]]] = {}
    for p in parsed:
        r = p.row
        head = first_of.setdefault(r.product_handle, p)
        for column in PRODUCT_COLUMNS:
            if getattr(r, column) != getattr(head.row, column):
                errors.add(p.line, column, f"differs from line {head.line}, the first row of "
                           f"product {r.product_handle!r}")
        if r.sku_code in code_line:
            errors.add(p.line, "sku_code", f"{r.sku_code!r} is also on line "
                       f"{code_line[r.sku_code]}")
        else:
            code_line[r.sku_code] = p.line
        if r.attributes:
            key = (r.product_handle, tuple(sorted(r.attributes.items())))
            if key in variants:
                errors.add(p.line, "attributes", f"same variant as line {variants[key]}")
            variants.setdefault(key, p.line)
            spec = specs.setdefault(r.product_handle, {})
            for attr, value in r.attributes.items():
                spec.setdefault(attr, set()).add(value)
            if len(spec) > MAX_ATTRIBUTES or any(
                    len(v) > MAX_ATTRIBUTE_VALUES for v in spec.values()):
                errors.add(p.line, "attributes", f"product {r.product_handle!r} has more than "
                           f"{MAX_ATTRIBUTES} attributes or {MAX_ATTRIBUTE_VALUES} values "
                           "of one attribute")
    categories = _id_map(session, Category, (p.row.category_slug for p in parsed))
    merchants = _id_map(session, Merchant, (p.row.merchant_slug for p in parsed))
    taken = _existing(session, Sku.code, code_line)
    for p in parsed:
        if p.row.category_slug not in categories:
            errors.add(p.line, "category_slug", f"no category {p.row.category_slug!r}")
        if p.row.merchant_slug not in merchants:
            errors.add(p.line, "merchant_slug", f"no merchant {p.row.merchant_slug!r}")
        if p.row.sku_code in taken:
            errors.add(p.line, "sku_code", f"{p.row.sku_code!r} already exists in the shop")
    brands = {r.row.brand: slugify(r.row.brand) for r in parsed if r.row.brand}
    for p in parsed:
        if p.row.brand and not brands[p.row.brand]:
            errors.add(p.line, "brand", "needs at least one letter or digit")
    return categories, merchants


def _batch(session: Session, parsed: list[_Parsed], categories: dict[str, str],
           merchants: dict[str, str], currency: str) -> CatalogBatch:
    now = clock.now()
    batch = CatalogBatch()
    brand_ids = _id_map(session, Brand, (slugify(p.row.brand) for p in parsed if p.row.brand))
    product_ids: dict[str, str] = {}
    specs: dict[str, dict[str, list[str]]] = {}
    for p in parsed:
        r = p.row
        if r.brand and slugify(r.brand) not in brand_ids:
            brand_ids[slugify(r.brand)] = new_id()
            batch.brands.append({"id": brand_ids[slugify(r.brand)], "slug": slugify(r.brand),
                                 "name": r.brand, "created_at": now})
        if r.product_handle not in product_ids:
            pid = product_ids[r.product_handle] = new_id()
            specs[pid] = {}
            batch.products.append({
                "id": pid, "category_id": categories[r.category_slug],
                "merchant_id": merchants[r.merchant_slug],
                "brand_id": brand_ids[slugify(r.brand)] if r.brand else None,
                "name": r.product_name, "description": r.description, "status": r.status,
                "spec": specs[pid], "images": r.images, "labels": r.labels, "sold_count": 0,
                "created_at": now, "updated_at": now,
                "listed_at": now if r.status == "listed" else None})
        pid = product_ids[r.product_handle]
        for attr, value in r.attributes.items():
            values = specs[pid].setdefault(attr, [])
            if value not in values:
                values.append(value)
        sku_id = new_id()
        batch.skus.append({
            "id": sku_id, "product_id": pid, "code": r.sku_code,
            "name": r.sku_name or r.product_name, "price_cents": r.price_cents,
            "currency": currency, "kind": r.kind, "attributes": r.attributes,
            "weight_grams": r.weight_grams, "length_cm": r.length_cm, "width_cm": r.width_cm,
            "height_cm": r.height_cm, "ship_from_date": r.ship_from_date, "created_at": now})
        if r.kind == "presale":
            batch.presale[sku_id] = (r.stock or 0, r.ship_from_date)
        elif r.kind == "standard":
            batch.stock[sku_id] = r.stock or 0
    return batch


def import_csv(*, session: Session, data: bytes, currency: str, actor_id: str | None,
               progress: Progress | None = None) -> ImportSummary:
    """Validate the whole file, then write it in the caller's transaction; raises
    Unprocessable (code invalid_csv) with every error found and writes nothing."""
    errors = _Errors()
    parsed = parse_rows(data, currency=currency, errors=errors)
    categories, merchants = _check_file(session, parsed, errors)
    errors.raise_if_any()
    batch = _batch(session, parsed, categories, merchants, currency)
    write_batch(session=session, batch=batch, actor_id=actor_id, reason="csv import",
                progress=progress)
    return ImportSummary(products=len(batch.products), skus=len(batch.skus),
                         brands_created=len(batch.brands))
