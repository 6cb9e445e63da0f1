"""The pure arithmetic of duties and import taxes: no database, no clock.

Per rule (one rate row), the duty is the rate on the sum of the rule's lines, rounded half
up once, then shared back over those lines by largest remainder; the import tax likewise
on goods plus duty (customs value duty-paid, as VAT on imports is). So every line's cents
sum exactly to the totals, each line is within a cent of its exact share, and nothing is
negative. A rule's de minimis exempts its lines from duty (import tax still applies) when
the whole consignment's goods are worth less than it; a threshold in another currency
than the order's is not compared (no conversion here), so duty is charged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    rate_id: str | None
    country: str
    category_id: str | None  # None: the country's default
    duty_bps: int
    import_tax_bps: int
    de_minimis_cents: int
    de_minimis_currency: str


@dataclass(frozen=True)
class LineDuty:
    category_id: str | None
    amount_cents: int
    duty_cents: int
    import_tax_cents: int
    rule: Rule | None  # None: no rule for the line (nothing charged)
    de_minimis: bool = False  # the rule's threshold exempted the line from duty


@dataclass(frozen=True)
class DutyAssessment:
    origin_country: str
    destination_country: str
    currency: str
    lines: tuple[LineDuty, ...]
    # per rule, rounded once: what the lines are shared from
    duties_cents: int = 0
    import_tax_cents: int = 0

    @property
    def cross_border(self) -> bool:
        return self.origin_country != self.destination_country

    @property
    def goods_cents(self) -> int:
        return sum(ln.amount_cents for ln in self.lines)

    @property
    def total_cents(self) -> int:
        return self.duties_cents + self.import_tax_cents


def half_up(amount: int, bps: int) -> int:
    return (amount * bps + 5000) // 10000


def share(amount: int, weights: list[int]) -> list[int]:
    """``amount`` over ``weights`` by largest remainder (equal shares if all are 0)."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    total = sum(weights)
    out = [amount * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[: amount - sum(out)]:
        out[i] += 1
    return out


def compute(*, origin_country: str, destination_country: str, currency: str,
            lines: list[tuple[str | None, int]], rules: list[Rule | None]) -> DutyAssessment:
    """``lines``: (category id, goods amount in the currency's minor units) each, and
    ``rules`` the rule that applies to each line (same order)."""
    if len(lines) != len(rules):
        raise ValueError("one rule (or None) per line")
    if any(amount < 0 for _, amount in lines):
        raise ValueError("line amounts are never negative")
    if origin_country == destination_country:
        return DutyAssessment(origin_country, destination_country, currency, tuple(
            LineDuty(cat, amount, 0, 0, None) for cat, amount in lines))
    goods = sum(amount for _, amount in lines)
    duty = [0] * len(lines)
    tax = [0] * len(lines)
    exempt = [False] * len(lines)
    groups: dict[Rule, list[int]] = {}
    for i, rule in enumerate(rules):
        if rule is not None:
            groups.setdefault(rule, []).append(i)
    duties_total = tax_total = 0
    for rule, idx in groups.items():
        amounts = [lines[i][1] for i in idx]
        below = (rule.de_minimis_cents > 0 and rule.de_minimis_currency == currency
                 and goods < rule.de_minimis_cents)
        d = 0 if below else half_up(sum(amounts), rule.duty_bps)
        for i, part in zip(idx, share(d, amounts), strict=True):
            duty[i], exempt[i] = part, below
        bases = [lines[i][1] + duty[i] for i in idx]
        t = half_up(sum(bases), rule.import_tax_bps)
        for i, part in zip(idx, share(t, bases), strict=True):
            tax[i] = part
        duties_total += d
        tax_total += t
    return DutyAssessment(
        origin_country, destination_country, currency,
        tuple(LineDuty(cat, amount, duty[i], tax[i], rules[i], exempt[i])
              for i, (cat, amount) in enumerate(lines)),
        duties_cents=duties_total, import_tax_cents=tax_total)
