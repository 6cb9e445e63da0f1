"""Largest-remainder allocation: exact sums, caps, water-filling, zero weights."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transactional_api.pricing.engine.allocate import (
    largest_remainder,
    place,
    split_blocked,
    water_fill,
)


def test_three_equal_lines_share_100_as_34_33_33():
    # 100/3 = 33 r1 each; the one cent left goes to the first of the equal remainders
    assert largest_remainder(100, [1000, 1000, 1000]) == [34, 33, 33]


def test_proportional_with_remainders():
    # 600 over 3998:1500 -> 436.30 / 163.69; floors 436+163 = 599; B's remainder is larger
    assert largest_remainder(600, [3998, 1500]) == [436, 164]


def test_zero_weight_gets_nothing_and_all_zero_gives_nothing():
    assert largest_remainder(10, [0, 5, 5]) == [0, 5, 5]
    assert largest_remainder(10, [0, 0]) == [0, 0]
    assert water_fill(10, [0, 0], [5, 5]) == ([0, 0], 10)


def test_cap_overflow_is_water_filled_to_the_others():
    # 400 over 1000:1000 -> 200/200; first capped at 100, its 100 goes to the second
    assert water_fill(400, [1000, 1000], [100, 1000]) == ([100, 300], 0)


def test_water_fill_over_several_rounds():
    # 90 over 3 equal -> 30 each; first capped at 10 -> 20 left -> 10/10 -> second capped
    # at 35 (got 35 of 40) -> 5 left to the third: 10, 35, 45
    assert water_fill(90, [1, 1, 1], [10, 35, 100]) == ([10, 35, 45], 0)


def test_what_no_line_can_take_is_left():
    assert water_fill(400, [1000, 1000], [100, 50]) == ([100, 50], 250)


def test_place_targets_own_lines_then_overflow():
    # target 500 on line 0 whose headroom is 200: the 300 over goes to line 1 (room 1000)
    assert place([500, 0], [1000, 1000], [200, 1000]) == ([200, 300], 0)
    assert place([500, 0], [1000, 0], [200, 0]) == ([200, 0], 300)


def test_split_blocked_follows_what_each_line_missed():
    # wanted 200/200, got 100/50 -> missed 100:150 -> 250 splits 100/150
    assert split_blocked(250, [200, 200], [100, 50]) == [100, 150]


weights = st.lists(st.integers(0, 10_000), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 100_000), ws=weights)
def test_largest_remainder_sums_exactly_and_stays_near_proportion(total, ws):
    shares = largest_remainder(total, ws)
    if sum(ws) == 0:
        assert shares == [0] * len(ws)
        return
    assert sum(shares) == total
    for s, w in zip(shares, ws, strict=True):
        exact = total * w / sum(ws)
        assert exact - 1 < s < exact + 1
        if w == 0:
            assert s == 0


@settings(max_examples=300, deadline=None)
@given(data=st.data(), total=st.integers(0, 50_000), ws=weights)
def test_water_fill_respects_caps_and_accounts_for_every_cent(data, total, ws):
    caps = [data.draw(st.integers(0, w)) for w in ws]
    shares, left = water_fill(total, ws, caps)
    assert sum(shares) + left == total
    assert all(0 <= s <= c for s, c in zip(shares, caps, strict=True))
    usable = sum(c for c, w in zip(caps, ws, strict=True) if w > 0)
    # cents are left only when every usable line is full
    assert left == max(0, total - usable)
