"""Daily reconciliation: the ledger against what the money is really doing.

Per currency: every entry set sums to zero; the channel clearing account equals minus what
the payment channels hold (captured - refunded, from payments); the payout clearing account
equals what the payout channel transferred; so platform + merchants' balances + deposits
= channels' holdings + deposits received - payouts sent, to the cent. Any difference is
reported, never corrected here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transactional_api.payments.service import money_held
from transactional_api.settlement import payouts
from transactional_api.settlement.models import (
    CHANNEL_CLEARING,
    DEPOSIT_CLEARING,
    MERCHANT_DEPOSIT,
    MERCHANT_PAYABLE,
    PAYOUT_CLEARING,
    PLATFORM_DISCOUNTS,
    PLATFORM_REVENUE,
    LedgerEntry,
)


def reconcile(session: Session) -> dict:
    sums: dict[str, dict[str, int]] = {}
    for currency, account, total in session.execute(
            select(LedgerEntry.currency, LedgerEntry.account, func.sum(LedgerEntry.amount_cents))
            .group_by(LedgerEntry.currency, LedgerEntry.account)):
        sums.setdefault(currency, {})[account] = int(total)
    held, sent = money_held(session=session), payouts.sent_total(session)
    currencies = sorted(set(sums) | {c for c, v in held.items() if v} | set(sent))
    report, differences = [], []
    for cur in currencies:
        a = sums.get(cur, {})
        platform = a.get(PLATFORM_REVENUE, 0) + a.get(PLATFORM_DISCOUNTS, 0)
        merchants, deposits = a.get(MERCHANT_PAYABLE, 0), a.get(MERCHANT_DEPOSIT, 0)
        row = {"currency": cur, "platform_cents": platform, "merchants_cents": merchants,
               "deposits_cents": deposits, "channels_hold_cents": held.get(cur, 0),
               "deposits_received_cents": -a.get(DEPOSIT_CLEARING, 0),
               "payouts_sent_cents": sent.get(cur, 0)}
        checks = {
            "entries_sum": sum(a.values()),
            "channel": -a.get(CHANNEL_CLEARING, 0) - held.get(cur, 0),
            "payouts": a.get(PAYOUT_CLEARING, 0) - sent.get(cur, 0),
            "balances": platform + merchants + deposits - (
                held.get(cur, 0) + row["deposits_received_cents"] - sent.get(cur, 0)),
        }
        row["differences"] = checks
        report.append(row)
        differences += [{"currency": cur, "check": k, "difference_cents": v}
                        for k, v in checks.items() if v]
    return {"ok": not differences, "currencies": report, "differences": differences}
