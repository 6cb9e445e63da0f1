import numpy as np
import pandas as pd
import pytest

from recommender import als
from recommender.trending import popular

BLOCKS, USERS_PER_BLOCK, ITEMS_PER_BLOCK, TOUCHED = 3, 30, 10, 5


def planted(seed: int = 7):
    """Users of block b only touch items of block b; one touched item per user is held out.

    Block 0's items are touched by more users, so popularity prefers them for everyone.
    """
    rng = np.random.default_rng(seed)
    rows, held_out = [], {}
    for block in range(BLOCKS):
        users = USERS_PER_BLOCK * (3 if block == 0 else 1)
        for u in range(users):
            user = f"b{block}u{u}"
            items = rng.choice(ITEMS_PER_BLOCK, TOUCHED, replace=False)
            pids = [f"b{block}i{i}" for i in items]
            held_out[user] = pids[-1]
            for pid in pids[:-1]:
                rows.append({"user_id": user, "product_id": pid,
                             "interaction_type": rng.choice(["view", "cart", "purchase"])})
    frame = pd.DataFrame(rows)
    frame["weight"] = frame["interaction_type"].map({"view": 1, "cart": 3, "purchase": 5})
    return frame, held_out


def test_als_recovers_planted_blocks_better_than_popularity():
    frame, held_out = planted()
    model = als.fit(frame, factors=8, iterations=15, seed=1)
    ranking = [pid for pid, _ in popular(frame, n=100)]
    k = 3
    als_hits = pop_hits = 0
    minority = [u for u in held_out if not u.startswith("b0")]
    for user in minority:
        seen = set(frame.loc[frame["user_id"] == user, "product_id"])
        als_hits += held_out[user] in [pid for pid, _ in als.recommend(model, user, k)]
        pop_hits += held_out[user] in [pid for pid in ranking if pid not in seen][:k]
    # popularity shows block 0's items to blocks 1 and 2: (almost) never a hit
    assert pop_hits / len(minority) < 0.1
    assert als_hits / len(minority) > 0.3
    # and ALS's lists stay inside the user's block
    top = als.recommend(model, "b1u0", k)
    assert all(pid.startswith("b1") for pid, _ in top)


def test_recommend_filters_what_the_user_already_has_unless_asked():
    frame, _ = planted()
    model = als.fit(frame, factors=8, seed=1)
    seen = set(frame.loc[frame["user_id"] == "b2u3", "product_id"])
    assert not seen & {pid for pid, _ in als.recommend(model, "b2u3", 10)}
    unfiltered = als.recommend(model, "b2u3", 10, filter_already_liked=False)
    assert seen & {pid for pid, _ in unfiltered}
    assert als.recommend(model, "nobody", 10) == []


def test_fold_in_of_a_new_user_matches_a_trained_user_with_the_same_history():
    frame, _ = planted()
    model = als.fit(frame, factors=8, iterations=15, seed=1)
    history = frame[frame["user_id"] == "b1u4"].assign(user_id="newcomer")
    trained = als.recommend(model, "b1u4", 5)
    folded = als.fold_in(model, history, 5)
    assert [pid for pid, _ in folded][:3] == [pid for pid, _ in trained][:3]
    for (_, a), (_, b) in zip(trained, folded, strict=True):
        assert b == pytest.approx(a, abs=0.05)
    # through the batch helper too, skipping users the model knows
    lists = als.fold_in_users(model, pd.concat([history, frame[frame["user_id"] == "b1u4"]]),
                              n=5)
    assert list(lists) == ["newcomer"] and lists["newcomer"] == folded


def test_fold_in_with_only_unknown_items_gives_nothing():
    frame, _ = planted()
    model = als.fit(frame, factors=4, seed=1)
    assert als.fold_in(model, pd.DataFrame({"product_id": ["zzz"], "weight": [5]}), 5) == []


def test_same_seed_same_lists_and_recommend_all_agrees():
    frame, _ = planted()
    first = als.fit(frame, factors=8, seed=3)
    second = als.fit(frame, factors=8, seed=3)
    assert als.recommend_all(first, 5) == als.recommend_all(second, 5)
    assert als.recommend_all(first, 5)["b0u1"] == als.recommend(first, "b0u1", 5)


def test_confidence_grows_with_weight_but_logarithmically():
    frame = pd.DataFrame({"user_id": ["u", "u", "v"], "product_id": ["a", "b", "a"],
                          "weight": [1, 5, 100]})
    model = als.fit(frame, factors=2, iterations=2)
    matrix = model.user_items.toarray()
    u, v = model.user_index["u"], model.user_index["v"]
    a, b = model.item_index["a"], model.item_index["b"]
    assert matrix[u, a] == pytest.approx(np.log(2))
    assert matrix[u, b] == pytest.approx(np.log(6))
    assert matrix[v, a] == pytest.approx(np.log(101))


def test_fit_without_users_is_a_clear_error():
    with pytest.raises(ValueError):
        als.fit(pd.DataFrame({"user_id": [None], "product_id": ["a"], "weight": [1]}))
