from recommender.popularity import popular_items


def test_weighted_by_interaction_type_and_normalised_to_best(make_interactions):
    frame = make_interactions(
        [
            ("v1", None, "s1", "A", "view"),
            ("v2", None, "s2", "A", "view"),
            ("v3", None, "s3", "A", "view"),
            ("v4", "u4", "s4", "B", "purchase"),
        ]
    )
    # B: one purchase (5) beats A: three views (3); A scores 3/5 of the best.
    assert popular_items(frame) == [("B", 1.0), ("A", 0.6)]


def test_ties_go_to_most_recent_then_smallest_product_id(make_interactions):
    frame = make_interactions(
        [
            ("v1", None, "s1", "Z", "view", 0),
            ("v1", None, "s1", "Y", "view", 5),
            ("v1", None, "s1", "X", "view", 5),
        ]
    )
    assert [pid for pid, _ in popular_items(frame)] == ["X", "Y", "Z"]


def test_order_does_not_depend_on_input_order(make_interactions):
    frame = make_interactions(
        [(f"v{i}", None, f"s{i}", f"P{i % 4}", "view", i % 3) for i in range(12)]
    )
    shuffled = frame.sample(frac=1.0, random_state=7)
    assert popular_items(frame) == popular_items(shuffled)


def test_limit_and_empty(make_interactions, empty_interactions):
    frame = make_interactions([(f"v{i}", None, "s", f"P{i}", "view") for i in range(5)])
    assert len(popular_items(frame, limit=2)) == 2
    assert popular_items(frame, limit=0) == []
    assert popular_items(empty_interactions) == []
