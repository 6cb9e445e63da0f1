"""The catalog CSV: one row per SKU, its columns, the typed row and cell escaping.

Rows sharing a ``product_handle`` form one product; the handle only groups rows inside a
file (products get fresh ids), and an export writes the product id there. Lists are
``|``-separated (labels, images), attributes are ``key=value;key=value``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from transactional_api.catalog.models import SELF_OPERATED
from transactional_api.catalog.schemas import LABELS

COLUMNS: tuple[str, ...] = (
    "product_handle", "product_name", "description", "category_slug", "brand",
    "merchant_slug", "status", "labels", "images", "sku_code", "sku_name", "kind",
    "attributes", "price_cents", "currency", "stock", "weight_grams", "length_cm",
    "width_cm", "height_cm", "ship_from_date",
)
REQUIRED_COLUMNS = frozenset({"product_handle", "product_name", "category_slug", "sku_code",
                              "price_cents"})
# Columns every row of one product must repeat identically.
PRODUCT_COLUMNS: tuple[str, ...] = (
    "product_name", "description", "category_slug", "brand", "merchant_slug", "status",
    "labels", "images",
)
STATUSES = ("draft", "pending_review", "listed", "delisted")
# Bundles need their component SKUs, which one row cannot express: the API creates them.
KINDS = ("standard", "presale", "virtual")

# The same bounds as the product API (catalog/schemas.py), so an import cannot create
# what the API would refuse.
MAX_PRICE_CENTS = 100_000_000
MAX_STOCK = 10_000_000
MAX_WEIGHT_GRAMS = 10_000_000
MAX_DIMENSION_CM = 100_000
MAX_DESCRIPTION = 20_000
MAX_IMAGES = 20
MAX_ATTRIBUTES = 5
MAX_ATTRIBUTE_VALUES = 30

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DIGITS = re.compile(r"^[0-9]{1,12}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula.
# Fullwidth forms are included because some spreadsheets fold them to ASCII.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")


def escape_cell(value: str) -> str:
    """Prefix a quote to cells a spreadsheet would evaluate; also to cells that already
    start with a quote before such a character, so :func:`unescape_cell` is exact."""
    if value and (value[0] in FORMULA_STARTS or (
            value[0] == "'" and len(value) > 1 and value[1] in FORMULA_STARTS | {"'"})):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS | {"'"}:
        return value[1:]
    return value


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def parse_attributes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not text:
        return out
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value or "=" in value:
            raise ValueError(f"attribute {part!r} is not key=value")
        if key in out:
            raise ValueError(f"attribute {key!r} is repeated")
        out[key] = value
    return out


def format_attributes(attributes: dict[str, Any]) -> str:
    return ";".join(f"{k}={v}" for k, v in attributes.items())


def _digits(value: Any) -> Any:
    # Strict: "3.0", "+3", " 3" or "1e3" are typing mistakes in a money or stock column.
    if isinstance(value, str):
        if value == "":
            return None
        if not _DIGITS.match(value):
            raise ValueError("must be a whole number written with digits only")
        return int(value)
    return value


def _required_digits(value: Any) -> Any:
    if value == "":
        raise ValueError("is required")
    return _digits(value)


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


def _plain_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _url_list(text: str) -> list[str]:
    if not text:
        return []
    urls = text.split("|")
    if len(urls) > MAX_IMAGES:
        raise ValueError(f"at most {MAX_IMAGES} images")
    for url in urls:
        parts = urlsplit(url)
        if (parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500
                or re.search(r"\s", url) or _CONTROL.search(url)):
            raise ValueError(f"{url[:60]!r} is not an http(s) URL of at most 500 characters")
    if len(set(urls)) != len(urls):
        raise ValueError("an image is repeated")
    return urls


def _labels(text: str) -> list[str]:
    labels = text.split("|") if text else []
    unknown = [x for x in labels if x not in LABELS]
    if unknown:
        raise ValueError(f"unknown label {unknown[0][:40]!r}; known: {', '.join(LABELS)}")
    if len(set(labels)) != len(labels):
        raise ValueError("a label is repeated")
    return labels


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("must be a slug (lowercase letters and digits joined by '-')")
    return value


Name = Annotated[str, Field(max_length=200), BeforeValidator(_plain_text)]
Slug = Annotated[str, Field(max_length=120), BeforeValidator(_slug)]


def _whole(le: int) -> Any:
    return Annotated[Annotated[int, Field(ge=0, le=le)] | None, BeforeValidator(_digits)]
class CsvRow(BaseModel):
    """One row once typed; raw cells are strings, the empty string means "not given"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product_handle: str = Field(max_length=64)
    product_name: Name
    description: str = Field("", max_length=MAX_DESCRIPTION)
    category_slug: Slug
    brand: Annotated[Name | None, BeforeValidator(_blank_none)] = None
    merchant_slug: Annotated[Slug, BeforeValidator(lambda v: v or SELF_OPERATED)] = SELF_OPERATED
    status: Annotated[str, BeforeValidator(lambda v: v or "draft")] = "draft"
    labels: Annotated[list[str], BeforeValidator(_labels)] = []
    images: Annotated[list[str], BeforeValidator(_url_list)] = []
    sku_code: Annotated[str, Field(max_length=64), BeforeValidator(_plain_text)]
    sku_name: Annotated[Name | None, BeforeValidator(_blank_none)] = None
    kind: Annotated[str, BeforeValidator(lambda v: v or "standard")] = "standard"
    attributes: Annotated[dict[str, str], BeforeValidator(parse_attributes)] = {}
    price_cents: Annotated[int, BeforeValidator(_required_digits),
                           Field(ge=0, le=MAX_PRICE_CENTS)]
    currency: Annotated[str | None, BeforeValidator(_blank_none)] = None
    stock: _whole(MAX_STOCK) = None
    weight_grams: _whole(MAX_WEIGHT_GRAMS) = None
    length_cm: _whole(MAX_DIMENSION_CM) = None
    width_cm: _whole(MAX_DIMENSION_CM) = None
    height_cm: _whole(MAX_DIMENSION_CM) = None
    ship_from_date: Annotated[date | None, BeforeValidator(lambda v: _iso_date(v)),
                              Field(validate_default=True)] = None

    @field_validator("product_handle")
    @classmethod
    def _handle(cls, v: str) -> str:
        if not _HANDLE.match(v):
            raise ValueError("must be 1-64 letters, digits, '.', '_' or '-'")
        return v

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        if _CONTROL_BUT_LINES.search(v):
            raise ValueError("control characters other than tab and line breaks")
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"must be one of {', '.join(STATUSES)}")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v == "bundle":
            raise ValueError("bundles need component SKUs: create them through the API")
        if v not in KINDS:
            raise ValueError(f"must be one of {', '.join(KINDS)}")
        return v

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, v: dict[str, str]) -> dict[str, str]:
        if len(v) > MAX_ATTRIBUTES:
            raise ValueError(f"at most {MAX_ATTRIBUTES} attributes")
        for key, value in v.items():
            if len(key) > 40 or len(value) > 60 or _CONTROL.search(key + value):
                raise ValueError("attribute names are at most 40 characters, values 60, "
                                 "without control characters")
        return v

    @field_validator("stock")
    @classmethod
    def _stockless(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v and info.data.get("kind") == "virtual":
            raise ValueError("a virtual SKU has no stock of its own: leave it empty")
        return v

    @field_validator("ship_from_date")
    @classmethod
    def _presale_date(cls, v: date | None, info: ValidationInfo) -> date | None:
        kind = info.data.get("kind")
        if kind == "presale" and v is None:
            raise ValueError("is required for a presale SKU")
        if kind not in (None, "presale") and v is not None:
            raise ValueError("is only for presale SKUs")
        return v


def _iso_date(value: Any) -> Any:
    if value in ("", None):
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return date.fromisoformat(value)


def row_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(column, message) pairs from a row's validation error, without pydantic's prefixes."""
    out = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ()
        column = str(loc[0]) if loc else ""
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        out.append((column, msg))
    return out
