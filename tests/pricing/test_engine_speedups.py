"""The search's shortcuts (quick.py totals, lower-bound skips, shared caches) must not
change the engine's answers."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pricing.test_engine_properties import requests
from transactional_api.pricing.engine.context import build_ctx, prepare
from transactional_api.pricing.engine.evaluate import run
from transactional_api.pricing.engine.quick import Quick
from transactional_api.pricing.engine.sample import sample_request
from transactional_api.pricing.engine.solve import price

# Recorded ONCE from the pre-optimisation engine (itself verified by the hand-worked
# tables in test_engine_table.py) on sample_request(lines=50, promotions=100, coupons=10):
# seed -> (total_cents, applied promotion ids)
_COMMON = ["cpn1", "cpn3", "cpn5", "cpn7", "cpn8", "cpn9", "m0-off", "m1-off", "m2-off",
           "m3-off", "m4-off", "pay-card", "store-fr", "store-gift"]
BEFORE = {
    0: (959478, ["cat011", "cat013", "cat014", *_COMMON]),
    1: (1041873, ["cat002", "cat007", "cat011", "cat013", "cat014", *_COMMON]),
    2: (997582, ["cat011", "cat012", *_COMMON]),
    3: (1089286, ["cat001", "cat002", "cat003", "cat008", "cat009", "cat016", *_COMMON]),
    4: (881991, ["cat000", "cat001", *_COMMON]),
    5: (1078177, ["cat005", "cat012", "cat015", *_COMMON]),
}


def test_sample_seeds_price_as_before_the_speedups():
    for seed, (total, applied) in BEFORE.items():
        out = price(sample_request(lines=50, promotions=100, coupons=10, seed=seed))
        assert out.total_cents == total, seed
        assert sorted(a.promotion_id for a in out.applied) == sorted(applied), seed


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(req=requests(k=6), data=st.data())
def test_quick_totals_match_the_full_evaluation(req, data):
    # quick.py is the search's totals-only evaluator; evaluate.run is the reference. Run
    # the combinations in a random order so the prefix trie is resumed from every angle.
    ctx = build_ctx(req)
    prepared = [prepare(ctx, p) for p in req.promotions]
    combos = [c for r in range(len(prepared) + 1)
              for c in itertools.combinations(prepared, r)]
    combos = data.draw(st.permutations(combos))
    q = Quick(ctx)
    for c in combos:
        ref, got = run(ctx, c), q.run(c)
        assert (got.total, got.gift_value, got.coupons, got.applied_ids, got.reasons) == (
            ref.total, ref.gift_value, ref.coupons, ref.applied_ids, ref.reasons)
        assert got.key == ref.key
        assert q.lower_bound(c) <= ref.total  # the bound that lets the search skip
