import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.cooccurrence import item_cooccurrence, user_recommendations


def _sessions(make_interactions, sessions: dict[str, list[str]]) -> pd.DataFrame:
    return make_interactions(
        [(f"v-{s}", None, s, item, "view") for s, items in sessions.items() for item in items]
    )


def test_items_always_viewed_together_are_top_neighbours(make_interactions):
    frame = _sessions(make_interactions, {"s1": ["A", "B"], "s2": ["A", "B"], "s3": ["A", "C"]})
    neighbours = item_cooccurrence(frame)
    # Session vectors: A=(1,1,1), B=(1,1,0), C=(0,0,1); cosine = dot / (|x| |y|).
    assert neighbours["A"] == [
        ("B", round(2 / (math.sqrt(3) * math.sqrt(2)), 6)),
        ("C", round(1 / math.sqrt(3), 6)),
    ]
    assert neighbours["B"][0] == ("A", neighbours["A"][0][1])
    assert [pid for pid, _ in neighbours["C"]] == ["A"]


def test_item_never_co_viewed_has_no_neighbours_and_never_appears(make_interactions):
    frame = _sessions(make_interactions, {"s1": ["A", "B"], "s2": ["D"], "s3": ["D", "D"]})
    neighbours = item_cooccurrence(frame)
    assert "D" not in neighbours
    assert all(pid != "D" for items in neighbours.values() for pid, _ in items)


def test_min_support_drops_rare_pairs_and_top_k_truncates(make_interactions):
    frame = _sessions(
        make_interactions, {"s1": ["A", "B", "C"], "s2": ["A", "B"], "s3": ["A", "D"]}
    )
    assert [pid for pid, _ in item_cooccurrence(frame, min_support=2)["A"]] == ["B"]
    assert "C" not in item_cooccurrence(frame, min_support=2)
    assert len(item_cooccurrence(frame, top_k=1)["A"]) == 1


def test_strongest_interaction_in_a_session_counts_once(make_interactions):
    viewed_often = make_interactions(
        [("v", None, "s1", "A", "view")] * 5 + [("v", None, "s1", "B", "view")]
    )
    # Repeated views of A within one session don't change its session vector (max, not sum).
    assert item_cooccurrence(viewed_often)["A"] == [("B", 1.0)]
    weighted = make_interactions(
        [
            ("v1", None, "s1", "A", "purchase"),
            ("v1", None, "s1", "B", "view"),
            ("v2", None, "s2", "A", "view"),
            ("v2", None, "s2", "C", "view"),
        ]
    )
    # A=(5,1): B=(1,0) scores 5/sqrt(26), C=(0,1) scores 1/sqrt(26).
    assert item_cooccurrence(weighted)["A"] == [
        ("B", round(5 / math.sqrt(26), 6)),
        ("C", round(1 / math.sqrt(26), 6)),
    ]


def test_empty_input(empty_interactions):
    assert item_cooccurrence(empty_interactions) == {}
    assert user_recommendations(empty_interactions, {"A": [("B", 1.0)]}) == {}


def test_user_recommendations_exclude_purchases_and_anonymous_rows(make_interactions):
    neighbours = {
        "A": [("B", 0.8), ("C", 0.4)],
        "B": [("A", 0.8), ("C", 0.6)],
        "X": [("Y", 1.0)],
    }
    frame = make_interactions(
        [
            ("v1", "u1", "s1", "A", "view"),
            ("v1", "u1", "s1", "B", "purchase"),
            ("v2", None, "s2", "X", "view"),
            ("v3", "u3", "s3", "Z", "view"),
        ]
    )
    recs = user_recommendations(frame, neighbours)
    # u1's history {A, B}: C = (0.4 + 0.6) / 2, A = 0.8 / 2; B was bought so it is excluded.
    assert recs == {"u1": [("C", 0.5), ("A", 0.4)]}
    assert "u3" not in recs  # nothing to say: the API falls back to popularity


def test_user_recommendations_respect_top_k(make_interactions):
    neighbours = {"A": [(f"N{i}", 1.0 - i / 10) for i in range(5)]}
    frame = make_interactions([("v1", "u1", "s1", "A", "view")])
    assert [pid for pid, _ in user_recommendations(frame, neighbours, top_k=2)["u1"]] == [
        "N0",
        "N1",
    ]


rows = st.lists(
    st.tuples(
        st.sampled_from([f"s{i}" for i in range(6)]),
        st.sampled_from([f"P{i}" for i in range(8)]),
        st.sampled_from(["view", "cart", "purchase"]),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, top_k=st.integers(min_value=1, max_value=10))
def test_cooccurrence_properties(make_interactions, empty_interactions, rows, top_k):
    frame = (
        make_interactions([(f"v-{s}", f"u-{s}", s, p, kind) for s, p, kind in rows])
        if rows
        else empty_interactions
    )
    neighbours = item_cooccurrence(frame, top_k=top_k)
    sessions_of = {}
    for session, product, _ in rows:
        sessions_of.setdefault(product, set()).add(session)
    for item, listed in neighbours.items():
        assert 0 < len(listed) <= top_k
        assert item not in {pid for pid, _ in listed}
        assert all(0.0 < score <= 1.0 for _, score in listed)
        assert listed == sorted(listed, key=lambda pair: (-pair[1], pair[0]))
        for other, _ in listed:
            assert sessions_of[item] & sessions_of[other], "neighbours must share a session"

    # With room for every item, the relation is symmetric with equal scores.
    full = item_cooccurrence(frame, top_k=100)
    pairs = {(a, b): s for a, listed in full.items() for b, s in listed}
    assert all(pairs.get((b, a)) == s for (a, b), s in pairs.items())
    for item, other in [(a, b) for a in sessions_of for b in sessions_of if a != b]:
        assert ((item, other) in pairs) == bool(sessions_of[item] & sessions_of[other])

    shuffled = frame.sample(frac=1.0, random_state=1) if rows else frame
    assert item_cooccurrence(shuffled, top_k=top_k) == neighbours

    bought = {f"u-{s}": set() for s, _, _ in rows}
    for session, product, kind in rows:
        if kind == "purchase":
            bought[f"u-{session}"].add(product)
    for user, recs in user_recommendations(frame, neighbours, top_k=top_k).items():
        assert len(recs) <= top_k
        assert all(0.0 < score <= 1.0 for _, score in recs)
        assert not bought[user] & {pid for pid, _ in recs}
