"""Choosing which offers to combine.

Rules: an `exclusive` offer applies alone; at most one offer per `group` (None: a group of
its own). Objective: the lowest total; ties → more gift value, then fewer coupons applied
(the shopper keeps them for later), then the lexicographically smallest sorted tuple of
applied ids, then the smaller combination, then its sorted ids (so the answer is
deterministic and names no offer that takes nothing in it).

Every candidate is first evaluated alone; one that takes nothing alone (no discount, no
shipping discount, no gift) is pruned (thresholds only get harder and headroom only
smaller as offers stack). The exception is free_shipping when fees exist but were 0: a fee
may appear once other offers lower a merchant's goods.

The search is exact (every allowed combination: each exclusive alone, and every choice of
none-or-one offer per group) when there are at most EXACT_LIMIT = 256 combinations.
Otherwise it is a heuristic: a greedy start (groups in application order, each given
its best choice, none included, on top of the choices before it), then coordinate ascent
(groups from the last lane back, every choice of a group tried with the others fixed, any
improvement kept; at most MAX_PASSES passes, stopping at a pass without improvement).
The answer is the best of that, the empty combination and every offer alone, so it is
never worse than the greedy nor than any single allowed offer. Evaluations are cached by
combination (and each combination prefix's state is kept, so a trial that changes a late
offer re-runs only the rest); `combinations_evaluated` counts distinct combinations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transactional_api.pricing.engine.context import Ctx, Prepared
from transactional_api.pricing.engine.evaluate import Result
from transactional_api.pricing.engine.quick import Quick

EXACT_LIMIT = 256
MAX_PASSES = 4


class Search:
    """Evaluations of one request's combinations (totals only, quick.py), cached by
    combination; one Search may serve several choose() calls on the same Ctx."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.cache: dict[frozenset[str], Result] = {}
        self.quick = Quick(ctx)
        self.skipped = 0

    def eval(self, combo: Sequence[Prepared]) -> Result:
        k = frozenset([p.id for p in combo])
        got = self.cache.get(k)
        if got is None:
            got = self.cache[k] = self.quick.run(combo)
        return got

    def eval_unless_worse(self, combo: Sequence[Prepared], than: Result) -> Result | None:
        """combo's result, or None when its total provably exceeds than's (so it would
        lose to it): such a combination is not evaluated."""
        got = self.cache.get(frozenset([p.id for p in combo]))
        if got is not None:
            return got
        if self.quick.lower_bound(combo) > than.total:
            self.skipped += 1
            return None
        return self.eval(combo)


@dataclass
class Choice:
    best: Result
    pruned: dict[str, str]  # offer id -> why it takes nothing alone
    evaluated: int
    search: Search  # its cache answers further totals-only evaluations


def _group_key(p: Prepared) -> str:
    g = p.promo.group
    return f"g:{g}" if g is not None else f"solo:{p.id}"


def choose(ctx: Ctx, offers: Sequence[Prepared], search: Search | None = None) -> Choice:
    """search: one shared by earlier calls on the same ctx (best_coupons); its cached
    evaluations are reused (so `evaluated` counts theirs too)."""
    s = search if search is not None else Search(ctx)
    best = s.eval(())
    pruned: dict[str, str] = {}
    alive: list[Prepared] = []
    singles: dict[str, Result] = {}
    for p in sorted(offers, key=lambda p: p.id):
        if not p.idx:  # nothing to evaluate
            pruned[p.id] = "not_in_scope"
            continue
        r = s.eval((p,))
        singles[p.id] = r
        fee_may_appear = (p.promo.kind == "free_shipping" and ctx.ship_merchants
                          and r.reasons.get(p.id) == "no_saving")
        if p.id in r.applied_ids or fee_may_appear:
            alive.append(p)
        else:
            pruned[p.id] = r.reasons.get(p.id, "no_saving")
        if r.key < best.key:
            best = r
    exclusive = [p for p in alive if p.promo.exclusive]
    groups: dict[str, list[Prepared]] = {}
    for p in alive:
        if not p.promo.exclusive:
            groups.setdefault(_group_key(p), []).append(p)
    glist = [groups[k] for k in sorted(groups)]
    space = len(exclusive)
    prod = 1
    for g in glist:
        prod *= len(g) + 1
        if prod > EXACT_LIMIT:
            break
    space += prod
    if space <= EXACT_LIMIT:
        combos: list[list[Prepared]] = [[]]
        for g in glist:
            combos = [c + [p] if p is not None else c for c in combos for p in (None, *g)]
        for c in combos:
            r = s.eval_unless_worse(c, best)
            if r is not None and r.key < best.key:
                best = r
    else:
        r = _heuristic(s, [sorted(g, key=lambda p: p.order) for g in glist])
        if r.key < best.key:
            best = r
    return Choice(best=best, pruned=pruned, evaluated=len(s.cache), search=s)


def _heuristic(s: Search, glist: list[list[Prepared]]) -> Result:
    glist = sorted(glist, key=lambda g: min(p.order for p in g))
    choice: list[Prepared | None] = [None] * len(glist)

    def combo(ch: list[Prepared | None]) -> list[Prepared]:
        return [p for p in ch if p is not None]

    cur = s.eval([])
    # greedy: groups in application order, each given its best choice on top of the
    # earlier ones (so every trial extends a cached prefix by one offer)
    for k in range(len(glist)):
        for p in glist[k]:
            trial = list(choice)
            trial[k] = p
            r = s.eval_unless_worse(combo(trial), cur)
            if r is not None and r.key < cur.key:
                cur, choice = r, trial
    # coordinate ascent, latest groups first (their trials re-run the shortest suffix)
    for _ in range(MAX_PASSES):
        improved = False
        for k in reversed(range(len(glist))):
            for p in (None, *glist[k]):
                if p is choice[k]:
                    continue
                trial = list(choice)
                trial[k] = p
                r = s.eval_unless_worse(combo(trial), cur)
                if r is not None and r.key < cur.key:
                    cur, choice, improved = r, trial, True
        if not improved:
            break
    return cur
