"""The CDNOW transaction file format (as shipped with the `lifetimes` package's datasets).

One purchase per line, whitespace-separated: customer_id, date (YYYYMMDD), number_of_cds,
dollar_value. The master file starts with a header line; the 1/10 sample has a fifth field,
its own sequential id, after the master's customer id:

    00004 0001 19970101  2   29.33      (sample: master id, sample id, date, CDs, dollars)
    00004 19970101  2   29.33           (master)

The master id is kept in both cases, so a customer of the sample is the same customer when
the master is read. Dollars become integer cents through Decimal: never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from transactional_api.core.errors import Unprocessable

MAX_ERRORS_KEPT = 50


@dataclass(frozen=True, slots=True)
class CdnowLine:
    line: int  # 1-based line number in the file
    customer_id: str
    purchase_date: date
    cds: int
    cents: int


def _cents(text: str) -> int:
    value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise ValueError("dollar_value must be a non-negative amount")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError("dollar_value has more than two decimals")
    return int(cents)


def _parse(number: int, fields: list[str]) -> CdnowLine:
    if len(fields) == 5:
        fields = [fields[0], *fields[2:]]  # the sample's own id is dropped
    if len(fields) != 4:
        raise ValueError(f"expected 4 fields (or 5 in the sample's layout), found {len(fields)}")
    customer, day, cds, dollars = fields
    if not customer.isdigit():
        raise ValueError("customer_id must be digits")
    try:
        purchase_date = datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"date {day!r} is not a YYYYMMDD date") from None
    if not cds.isdigit():
        raise ValueError("number_of_cds must be a non-negative whole number")
    try:
        cents = _cents(dollars)
    except InvalidOperation:
        raise ValueError(f"dollar_value {dollars!r} is not a number") from None
    return CdnowLine(number, customer, purchase_date, int(cds), cents)


def parse_cdnow(text: str) -> list[CdnowLine]:
    """Every purchase in the text, in file order; Unprocessable listing bad lines otherwise."""
    lines: list[CdnowLine] = []
    errors: list[dict] = []
    error_count = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split()
        if not fields or (number == 1 and fields[0] == "customer_id"):
            continue  # blank lines and the master's header
        try:
            lines.append(_parse(number, fields))
        except ValueError as exc:
            error_count += 1
            if len(errors) < MAX_ERRORS_KEPT:
                errors.append({"line": number, "column": None, "message": str(exc)})
    if error_count:
        raise Unprocessable(f"{error_count} line(s) are not CDNOW purchases",
                            code="cdnow_bad_file",
                            details={"errors": errors, "error_count": error_count})
    if not lines:
        raise Unprocessable("the file holds no CDNOW purchases", code="cdnow_empty_file",
                            details={"errors": [], "error_count": 0})
    return lines


def read_cdnow(path: Path) -> list[CdnowLine]:
    if not path.is_file():
        raise Unprocessable(f"{path} not found: PATH must be a CDNOW transaction file, e.g. "
                            "../shared/data/cdnow/CDNOW_master.txt", code="cdnow_file_missing",
                            details={"errors": [], "error_count": 0})
    return parse_cdnow(path.read_text(encoding="ascii", errors="replace"))
