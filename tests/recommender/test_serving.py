"""The request-time functions the API and the offline replay share: score_recent and rerank."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.serving import Rules, rerank, score_recent

LISTS = {"a": [("x", 1.0), ("y", 0.5)], "b": [("y", 1.0)]}
E1 = math.exp(-1)


def ids(ranked):
    return [pid for pid, _ in ranked]


# score_recent: recent items oldest first, the last click weighs 1, each older one exp(-1).

def test_newest_item_weighs_most():
    got = dict(score_recent(["a", "b"], LISTS))
    assert got == pytest.approx({"y": 1.0 + 0.5 * E1, "x": E1}, abs=1e-6)
    assert ids(score_recent(["a", "b"], LISTS)) == ["y", "x"]
    three = {"a": [("x", 1.0), ("y", 0.5)], "b": [("y", 1.0), ("z", 1.0)]}
    # b latest: y = 1 + 0.5/e, z = 1, x = 1/e; a latest: x = 1, y = 0.5 + 1/e, z = 1/e
    assert ids(score_recent(["a", "b"], three)) == ["y", "z", "x"]
    assert dict(score_recent(["b", "a"], three)) == pytest.approx(
        {"x": 1.0, "y": 0.5 + E1, "z": E1}, abs=1e-6)
    assert ids(score_recent(["b", "a"], three, limit=2)) == ["x", "y"]


def test_repeats_count_at_their_latest_click_and_max_items_cuts_older_ones():
    assert score_recent(["b", "a", "b"], LISTS) == score_recent(["a", "b"], LISTS)
    assert score_recent(["a", "b"], LISTS, max_items=1) == [("y", 1.0)]
    chain = {f"i{n}": [(f"t{n}", 1.0)] for n in range(6)}
    got = dict(score_recent([f"i{n}" for n in range(6)], chain))
    assert "t0" not in got  # the sixth most recent distinct item is beyond the default 5
    assert got["t1"] == pytest.approx(math.exp(-4), abs=1e-6)


def test_decay_and_items_without_a_list():
    # an item with no list (None, as the API passes a Redis miss) still counts as a step back
    assert dict(score_recent(["a", "nolist"], {**LISTS, "nolist": None})) == pytest.approx(
        {"x": E1, "y": 0.5 * E1}, abs=1e-6)
    assert dict(score_recent(["a", "b"], LISTS, decay=0.5)) == pytest.approx(
        {"y": 1.0 + 0.5 * math.exp(-2), "x": math.exp(-2)}, abs=1e-6)


def test_limit_unknown_items_and_ties():
    assert score_recent(["zz"], LISTS) == []
    assert score_recent([], LISTS) == []
    tied = {"a": [("q", 1.0), ("p", 1.0), ("r", 0.2)]}
    assert score_recent(["a"], tied, limit=2) == [("p", 1.0), ("q", 1.0)]


ITEMS = st.sampled_from([f"i{n}" for n in range(10)])


@settings(max_examples=200, deadline=None)
@given(recent=st.lists(ITEMS, max_size=12), older=st.lists(ITEMS, max_size=6),
       lists=st.dictionaries(ITEMS, st.lists(st.tuples(ITEMS, st.floats(0, 1)), max_size=4)))
def test_only_the_last_five_distinct_clicks_matter(recent, older, lists):
    got = score_recent(recent, lists, limit=50)
    scores = [s for _, s in got]
    assert scores == sorted(scores, reverse=True)
    if len(set(recent)) >= 5:
        assert score_recent(older + recent, lists, limit=50) == got


# rerank: `available` maps product -> category; pins are 1-based.

CANDIDATES = [("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6), ("e", 0.5)]
EVERYTHING = {pid: None for pid in "abcdefxyz"}


def test_drops_unavailable_bought_and_excluded_and_keeps_order():
    out = rerank(CANDIDATES, available=dict.fromkeys("abde"), bought={"d"}, limit=10)
    assert out == [("a", 0.9), ("b", 0.8), ("e", 0.5)]
    assert ids(rerank(CANDIDATES, available=EVERYTHING, exclude={"a", "c"}, limit=10)) == \
        ["b", "d", "e"]


def test_product_and_category_boosts_multiply_and_reorder():
    out = rerank(CANDIDATES, available=EVERYTHING, rules=Rules(product_boosts={"e": 2.0}),
                 limit=10)
    assert out[0] == ("e", 1.0)
    assert ids(out) == ["e", "a", "b", "c", "d"]
    cats = {"a": "k1", "b": "k1", "c": "k2", "d": "k2", "e": "k1"}
    out = rerank(CANDIDATES, available=cats, rules=Rules(category_boosts={"k2": 2.0}), limit=3)
    assert out == [("c", 1.4), ("d", 1.2), ("a", 0.9)]


def test_pins_land_at_their_position_even_from_outside_the_candidates():
    out = rerank(CANDIDATES, available=EVERYTHING, rules=Rules(pins=(("z", 2), ("d", 1))),
                 limit=10)
    assert ids(out) == ["d", "z", "a", "b", "c", "e"]
    assert out[0] == ("d", 0.6) and out[1] == ("z", 0.9)  # a stranger takes the top score
    two = CANDIDATES[:2]
    # past the end: appended; past the limit, unavailable or bought: dropped
    assert ids(rerank(two, available=EVERYTHING, rules=Rules(pins=(("z", 7),)),
                      limit=10)) == ["a", "b", "z"]
    assert ids(rerank(CANDIDATES, available=EVERYTHING, rules=Rules(pins=(("z", 4),)),
                      limit=3)) == ["a", "b", "c"]
    assert ids(rerank(two, available=dict.fromkeys("ab"), rules=Rules(pins=(("z", 1),)),
                      limit=10)) == ["a", "b"]
    assert ids(rerank(two, available=EVERYTHING, bought={"z"}, rules=Rules(pins=(("z", 1),)),
                      limit=10)) == ["a", "b"]
    # pins decorate a list, they never make one out of nothing
    assert rerank([], available=EVERYTHING, rules=Rules(pins=(("z", 1),)), limit=10) == []


def test_two_pins_on_one_position_stack_and_a_product_is_pinned_once():
    rules = Rules(pins=(("y", 1), ("x", 1)))
    assert ids(rerank(CANDIDATES[:2], available=EVERYTHING, rules=rules, limit=10)) == \
        ["x", "y", "a", "b"]
    rules = Rules(pins=(("x", 3), ("x", 1)))
    assert ids(rerank(CANDIDATES[:2], available=EVERYTHING, rules=rules, limit=10)) == \
        ["x", "a", "b"]


def test_category_cap_in_the_window_defers_the_rest_and_pins_count():
    cats = {"a": "k1", "b": "k1", "c": "k1", "d": "k2", "e": "k3", "f": None}
    diverse = Rules(max_per_category=1, diversity_top_k=3)
    assert ids(rerank(CANDIDATES, available=cats, rules=diverse, limit=10)) == \
        ["a", "d", "e", "b", "c"]
    pinned = Rules(pins=(("f", 2),), max_per_category=1, diversity_top_k=3)
    # f has no category, so no cap; it takes a window slot
    assert ids(rerank(CANDIDATES, available=cats, rules=pinned, limit=10))[:3] == \
        ["a", "f", "d"]
    # a pinned k2 product counts: d waits below the window
    assert ids(rerank(CANDIDATES, available={**cats, "f": "k2"}, rules=pinned, limit=10)) == \
        ["a", "f", "e", "b", "c", "d"]
    # products without a category are never capped
    assert ids(rerank(CANDIDATES, available=EVERYTHING, rules=diverse, limit=10)) == \
        ["a", "b", "c", "d", "e"]


def test_window_is_filled_from_capped_categories_when_nothing_else_is_left():
    same = {pid: "k" for pid, _ in CANDIDATES}
    rules = Rules(max_per_category=2, diversity_top_k=4)
    assert ids(rerank(CANDIDATES, available=same, rules=rules, limit=4)) == ["a", "b", "c", "d"]


def test_duplicates_keep_the_first_and_limit_truncates():
    out = rerank([("a", 0.1), ("b", 0.5), ("a", 0.9)], available=EVERYTHING, limit=1)
    assert out == [("b", 0.5)]


PIDS = [f"p{i}" for i in range(12)]


@settings(max_examples=400, deadline=None)
@given(
    candidates=st.lists(st.tuples(st.sampled_from(PIDS), st.floats(0, 10)), max_size=15),
    unavailable=st.sets(st.sampled_from(PIDS), max_size=4),
    bought=st.sets(st.sampled_from(PIDS), max_size=4),
    pins=st.lists(st.tuples(st.sampled_from(PIDS), st.integers(1, 8)), max_size=2,
                  unique_by=lambda p: p[0]),
    boosts=st.dictionaries(st.sampled_from(PIDS), st.floats(0.1, 5), max_size=3),
    labels=st.lists(st.sampled_from(["x", "y", "z", None]), min_size=12, max_size=12),
    cap=st.none() | st.integers(1, 3),
    window=st.integers(1, 8),
    limit=st.integers(1, 25),
)
def test_rules_hold_for_any_input(candidates, unavailable, bought, pins, boosts, labels, cap,
                                  window, limit):
    available = {pid: c for pid, c in zip(PIDS, labels, strict=True) if pid not in unavailable}
    rules = Rules(pins=tuple(pins), product_boosts=boosts, max_per_category=cap,
                  diversity_top_k=window)
    out = rerank(candidates, available=available, bought=bought, rules=rules, limit=limit)
    result = ids(out)
    assert len(result) == len(set(result)) <= limit
    pinned = {pid for pid, _ in pins}
    assert set(result) <= ({pid for pid, _ in candidates} | pinned) & set(available)
    assert not set(result) & bought
    kept_pins = sorted((pos, pid) for pid, pos in pins if pid in available and pid not in bought)
    free = {pid for pid, _ in candidates if pid in available and pid not in bought}
    if not free:
        assert result == []
        return
    free -= pinned
    if not pins and cap is None:
        scores = [s for _, s in out]
        assert scores == sorted(scores, reverse=True)
    positions = [pos for pos, _ in kept_pins]
    if limit >= max(9, len(free) + len(kept_pins)):  # nothing cut by the limit
        assert set(result) == free | {pid for _, pid in kept_pins}
        if len(set(positions)) == len(positions):  # no two pins asked for one slot
            for pos, pid in kept_pins:
                # exact when the list is long enough, else appended earlier than asked
                if len(result) >= max(positions):
                    assert result.index(pid) == pos - 1
                else:
                    assert result.index(pid) <= pos - 1
    if cap is None or limit < 9:  # (below 9 a pin may be dropped, then ranked as a candidate)
        return
    # Diversity: pins in the window count first (operators may overfill a category with
    # them); an unpinned item admitted over its category's cap means that every unpinned
    # item left outside the window belongs to a category already at its cap there.
    head = result[:window]
    counts: dict[str, int] = {}
    for pid in head:
        if pid in pinned and available[pid]:
            counts[available[pid]] = counts.get(available[pid], 0) + 1
    overfilled = False
    for pid in head:
        if pid not in pinned and available[pid]:
            overfilled |= counts.get(available[pid], 0) >= cap
            counts[available[pid]] = counts.get(available[pid], 0) + 1
    if overfilled:
        for pid in result[window:]:
            if pid not in pinned:
                assert available[pid] and counts.get(available[pid], 0) >= cap
