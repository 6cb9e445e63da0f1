"""`flywheel import cdnow`: a few hand-written CDNOW lines become accounts and paid orders,
once, however often the file is imported."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from transactional_api.accounts.models import User
from transactional_api.accounts.passwords import _matches
from transactional_api.cli.main import main
from transactional_api.config import Settings
from transactional_api.core.db import make_engine
from transactional_api.core.errors import Unprocessable
from transactional_api.orders.cdnow_format import parse_cdnow
from transactional_api.orders.models import Order

# The master's layout (header, 4 fields, CRLF) and a sample line (5 fields) for customer
# 00007, whose master id is kept. 00002 bought twice on 1997-01-12: two orders.
MASTER = (" customer_id  date number_of_cds  dollar_value\r\n"
          " 00001 19970101  1   11.77\r\n"
          " 00002 19970112  1   12.00\r\n"
          " 00002 19970112  5   77.00\r\n"
          " 00002 19970305  2   0.00\r\n")
SAMPLE = " 00007 0001 19980630  3   39.99\r\n"


def test_lines_parse_into_cents_and_dates():
    lines = parse_cdnow(MASTER + SAMPLE)
    assert [(x.line, x.customer_id, x.purchase_date, x.cds, x.cents) for x in lines] == [
        (2, "00001", date(1997, 1, 1), 1, 1177),
        (3, "00002", date(1997, 1, 12), 1, 1200),
        (4, "00002", date(1997, 1, 12), 5, 7700),
        (5, "00002", date(1997, 3, 5), 2, 0),
        (6, "00007", date(1998, 6, 30), 3, 3999),
    ]


def test_bad_lines_are_refused_with_their_numbers():
    with pytest.raises(Unprocessable) as caught:
        parse_cdnow(" 00001 19970101 1 11.77\n 00002 19971301 1 1.00\n"
                    " 00003 19970101 1 1.005\n 00004 19970101 1\n")
    errors = caught.value.details["errors"]
    assert [e["line"] for e in errors] == [2, 3, 4]
    assert "not a YYYYMMDD date" in errors[0]["message"]
    assert "more than two decimals" in errors[1]["message"]
    assert "expected 4 fields" in errors[2]["message"]


def test_import_creates_accounts_and_paid_orders_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("FLYWHEEL_DATABASE_URL", raising=False)
    path = tmp_path / "cdnow.txt"
    path.write_text(MASTER + SAMPLE)
    assert main(["import", "cdnow", str(path), "--no-progress"]) == 0
    # 5 lines -> 5 orders of 3 customers: 11.77 + 12.00 + 77.00 + 0.00 + 39.99 = 140.76 USD
    out = capsys.readouterr().out
    assert "5 lines of 3 customers; 5 paid orders created (140.76 USD), 0 already present; " \
           "3 accounts created" in out
    assert main(["import", "cdnow", str(path), "--no-progress"]) == 0
    assert "0 paid orders created (0.00 USD), 5 already present; 0 accounts created" in \
        capsys.readouterr().out

    engine = make_engine(Settings().resolved_database_url)
    try:
        with engine.connect() as conn:
            users = {email: (uid, created) for email, uid, created in conn.execute(
                select(User.email, User.id, User.created_at))}
            orders = conn.execute(select(User.email, Order.total_cents, Order.status,
                                         Order.currency, Order.paid_at, Order.created_at)
                                  .join(User, User.id == Order.user_id)
                                  .order_by(User.email, Order.paid_at, Order.total_cents)).all()
            assert conn.scalar(select(func.count()).select_from(Order)) == 5
    finally:
        engine.dispose()
    assert set(users) == {"cdnow-00001@cdnow.invalid", "cdnow-00002@cdnow.invalid",
                          "cdnow-00007@cdnow.invalid"}
    noon = lambda y, m, d: datetime(y, m, d, 12, tzinfo=UTC)  # noqa: E731
    # the account is as old as the customer's first purchase
    assert users["cdnow-00002@cdnow.invalid"][1].replace(tzinfo=UTC) == noon(1997, 1, 12)
    assert [(e, cents, status, cur, paid.replace(tzinfo=UTC))
            for e, cents, status, cur, paid, _ in orders] == [
        ("cdnow-00001@cdnow.invalid", 1177, "completed", "USD", noon(1997, 1, 1)),
        ("cdnow-00002@cdnow.invalid", 1200, "completed", "USD", noon(1997, 1, 12)),
        ("cdnow-00002@cdnow.invalid", 7700, "completed", "USD", noon(1997, 1, 12)),
        ("cdnow-00002@cdnow.invalid", 0, "completed", "USD", noon(1997, 3, 5)),
        ("cdnow-00007@cdnow.invalid", 3999, "completed", "USD", noon(1998, 6, 30)),
    ]


def test_imported_accounts_cannot_sign_in():
    from transactional_api.accounts.imported import NO_PASSWORD

    assert _matches(NO_PASSWORD, "") is False
    assert _matches(NO_PASSWORD, NO_PASSWORD) is False


def test_a_missing_file_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_VAR_DIR", str(tmp_path / "var"))
    assert main(["import", "cdnow", str(tmp_path / "nowhere.txt"), "--no-progress"]) == 1
    assert "not found: PATH must be a CDNOW transaction file" in capsys.readouterr().err
