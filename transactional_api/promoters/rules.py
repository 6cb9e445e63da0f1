"""Commission rules: level-1 and level-2 rates in basis points for a product, a category or
a merchant. An order line takes the most specific rule that matches it (product, then its
category, then its merchant), else the shop-wide default rates from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.catalog import service as catalog
from transactional_api.config import Settings
from transactional_api.core import clock
from transactional_api.core.errors import DomainError, NotFound
from transactional_api.promoters.models import CommissionRule

SPECIFICITY = ("product", "category", "merchant")


@dataclass(frozen=True)
class Rates:
    level1_bp: int
    level2_bp: int
    source: str  # product | category | merchant | default


def upsert(*, session: Session, scope_kind: str, scope_id: str, level1_bp: int,
           level2_bp: int, actor_id: str) -> CommissionRule:
    rule = session.scalar(select(CommissionRule).where(
        CommissionRule.scope_kind == scope_kind, CommissionRule.scope_id == scope_id)
        .with_for_update())
    if rule is None:
        rule = CommissionRule(scope_kind=scope_kind, scope_id=scope_id)
        session.add(rule)
    rule.level1_bp, rule.level2_bp, rule.created_by = level1_bp, level2_bp, actor_id
    rule.updated_at = clock.now()
    session.flush()
    return rule


def delete(*, session: Session, rule_id: str) -> None:
    rule = session.get(CommissionRule, rule_id)
    if rule is None:
        raise NotFound("commission rule not found", code="rule_not_found")
    session.delete(rule)


def listing(*, session: Session) -> list[CommissionRule]:
    return list(session.scalars(select(CommissionRule).order_by(
        CommissionRule.scope_kind, CommissionRule.scope_id)))


def rates_for_lines(session: Session, lines: list[tuple[str, str]],
                    settings: Settings) -> list[Rates]:
    """Rates for (product_id, merchant_id) lines, in order."""
    categories: dict[str, str | None] = {}
    for product_id, _ in lines:
        if product_id not in categories:
            try:
                categories[product_id] = catalog.get_product(
                    session=session, product_id=product_id, operator=True).category_id
            except DomainError:
                categories[product_id] = None  # gone from the catalogue: no category rule
    wanted = {(k, v) for pid, mid in lines
              for k, v in (("product", pid), ("category", categories[pid]), ("merchant", mid))
              if v}
    found = {(r.scope_kind, r.scope_id): r for r in session.scalars(select(CommissionRule).where(
        CommissionRule.scope_id.in_(sorted({v for _, v in wanted}))))}
    default = Rates(settings.promoters_default_level1_bp, settings.promoters_default_level2_bp,
                    "default")
    out = []
    for pid, mid in lines:
        keys = {"product": pid, "category": categories[pid], "merchant": mid}
        rule = next((found[(k, keys[k])] for k in SPECIFICITY if (k, keys[k]) in found), None)
        out.append(default if rule is None else Rates(rule.level1_bp, rule.level2_bp,
                                                      rule.scope_kind))
    return out
