"""Installment schedules as pure functions: integer minor units only, so every quote adds
up to the cent. Each component (principal, interest, fee) is split evenly over the term and
its remainder goes on the last instalment, so the instalments sum exactly to principal +
interest + fee and none is negative."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Installment:
    seq: int
    due_date: date
    principal_cents: int
    interest_cents: int
    fee_cents: int

    @property
    def amount_cents(self) -> int:
        return self.principal_cents + self.interest_cents + self.fee_cents


@dataclass(frozen=True)
class Quote:
    term_months: int
    interest_bps: int
    principal_cents: int
    interest_cents: int
    fee_cents: int
    installments: tuple[Installment, ...]

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.interest_cents + self.fee_cents

    @property
    def cost_cents(self) -> int:
        """What credit costs over paying at once: interest and fee."""
        return self.interest_cents + self.fee_cents


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 -> 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interest_for(principal_cents: int, interest_bps: int) -> int:
    """Flat interest over the whole term, rounded half up to the cent."""
    if principal_cents < 0 or interest_bps < 0:
        raise ValueError("principal and interest must not be negative")
    return (principal_cents * interest_bps + 5_000) // 10_000


def split(total_cents: int, parts: int) -> list[int]:
    """Equal parts, the remainder on the last one."""
    if parts < 1 or total_cents < 0:
        raise ValueError("need at least one part and a non-negative total")
    base = total_cents // parts
    return [base] * (parts - 1) + [total_cents - base * (parts - 1)]


def spread(*, principal_cents: int, interest_cents: int, fee_cents: int,
           due_dates: list[date], first_seq: int = 1) -> tuple[Installment, ...]:
    """Components spread over the given due dates (also used to re-spread what is left of
    a plan after a partial refund)."""
    n = len(due_dates)
    rows = zip(due_dates, split(principal_cents, n), split(interest_cents, n),
               split(fee_cents, n), strict=True)
    return tuple(Installment(seq=first_seq + i, due_date=d, principal_cents=p,
                             interest_cents=r, fee_cents=f)
                 for i, (d, p, r, f) in enumerate(rows))


def quote(*, principal_cents: int, term_months: int, interest_bps: int, fee_cents: int,
          start: date) -> Quote:
    """The plan for paying ``principal_cents`` over ``term_months``, the first instalment
    due a month after ``start``."""
    if term_months < 1:
        raise ValueError("term_months must be at least 1")
    if principal_cents < 1 or fee_cents < 0:
        raise ValueError("principal must be positive and the fee not negative")
    interest = interest_for(principal_cents, interest_bps)
    dates = [add_months(start, i) for i in range(1, term_months + 1)]
    return Quote(term_months=term_months, interest_bps=interest_bps,
                 principal_cents=principal_cents, interest_cents=interest, fee_cents=fee_cents,
                 installments=spread(principal_cents=principal_cents, interest_cents=interest,
                                     fee_cents=fee_cents, due_dates=dates))


def owed_after_refund(*, principal_cents: int, refund_cents: int, interest_bps: int,
                      fee_cents: int) -> tuple[int, int, int]:
    """(principal, interest, fee) the shopper owes over the whole plan once ``refund_cents``
    of its principal is refunded: the plan as if bought for the reduced amount; a full
    refund owes nothing, not even the fee."""
    left = principal_cents - min(refund_cents, principal_cents)
    if left == 0:
        return 0, 0, 0
    return left, interest_for(left, interest_bps), fee_cents
