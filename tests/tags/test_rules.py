"""The rule language against a reference evaluation written here over the raw JSON, and
the laws and/or/not must keep; the analyses audience sizes rely on are sound."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from transactional_api.tags import rules

TAGS = ["dormant_90d", "vip", "rfm_segment"]
LEVELS = ["regular", "silver", "gold"]
SEGMENTS = ["champions", "lost"]

tag_leaf = st.builds(lambda t, eq: {"tag": t} if eq is None else {"tag": t, "eq": eq},
                     st.sampled_from(TAGS), st.none() | st.sampled_from(SEGMENTS + ["true"]))
level_leaf = st.one_of(
    st.builds(lambda v: {"attr": "level", "eq": v}, st.sampled_from(LEVELS)),
    st.builds(lambda vs: {"attr": "level", "in": vs},
              st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3)))
number_leaf = st.builds(
    lambda attr, op, n: {"attr": attr, op: [n, n + 1] if op == "in" else n},
    st.sampled_from(["orders_count", "points_balance"]), st.sampled_from(["eq", "gt", "in"]),
    st.integers(-1, 5))
leaf = st.one_of(tag_leaf, level_leaf, number_leaf)
rule_json = st.recursive(leaf, lambda inner: st.one_of(
    st.builds(lambda xs: {"and": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda xs: {"or": xs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda x: {"not": x}, inner)), max_leaves=8)
facts = st.builds(
    rules.Facts,
    level=st.sampled_from(LEVELS),
    points_balance=st.integers(0, 6),
    orders_count=st.integers(0, 6),
    tags=st.dictionaries(st.sampled_from(TAGS),
                         st.none() | st.sampled_from(SEGMENTS + ["true"]), max_size=3))


def reference(rule: dict, f: rules.Facts) -> bool:
    """The language's meaning, written out independently of rules.py."""
    if "and" in rule:
        return all(reference(r, f) for r in rule["and"])
    if "or" in rule:
        return any(reference(r, f) for r in rule["or"])
    if "not" in rule:
        return not reference(rule["not"], f)
    if "tag" in rule:
        has = rule["tag"] in f.tags
        return has and ("eq" not in rule or f.tags[rule["tag"]] == rule["eq"])
    value = {"level": f.level, "orders_count": f.orders_count,
             "points_balance": f.points_balance}[rule["attr"]]
    if "eq" in rule:
        return value == rule["eq"]
    if "gt" in rule:
        return value > rule["gt"]
    return value in rule["in"]


@settings(max_examples=300, deadline=None)
@given(rule_json, facts)
def test_evaluation_agrees_with_the_reference(data, f):
    rule = rules.parse(data)
    assert rules.evaluate(rule, f) == reference(data, f)
    assert rules.parse(rules.to_json(rule)) == rule  # the stored form reads back the same


@settings(max_examples=200, deadline=None)
@given(rule_json, rule_json, facts)
def test_and_or_not_laws(a, b, f):
    def ev(data):
        return rules.evaluate(rules.parse(data), f)

    assert ev({"not": {"and": [a, b]}}) == ev({"or": [{"not": a}, {"not": b}]})
    assert ev({"not": {"or": [a, b]}}) == ev({"and": [{"not": a}, {"not": b}]})
    assert ev({"not": {"not": a}}) == ev(a)
    assert ev({"and": [a, b]}) == ev({"and": [b, a]})
    assert ev({"or": [a, b]}) == ev({"or": [b, a]})
    assert ev({"and": [a, a]}) == ev(a) == ev({"or": [a, a]})
    assert ev({"or": [a, {"not": a}]}) is True
    assert ev({"and": [a, {"not": a}]}) is False


@settings(max_examples=200, deadline=None)
@given(rule_json, facts)
def test_explain_reports_every_sub_rule_as_evaluated_alone(data, f):
    rule = rules.parse(data)
    matched, trace = rules.explain(rule, f)
    assert matched == rules.evaluate(rule, f)
    assert trace[0]["path"] == "$" and trace[0]["matched"] == matched
    for item in trace:
        assert item["matched"] == reference(item["rule"], f), item


@settings(max_examples=300, deadline=None)
@given(rule_json, facts)
def test_required_tags_and_needs_are_sound(data, f):
    rule = rules.parse(data)
    required = rules.required_tags(rule)
    if required is not None and rules.evaluate(rule, f):
        assert required & set(f.tags)  # a size walking only tag carriers misses no one
    attrs, tags = rules.needs(rule)
    narrowed = rules.Facts(
        level=f.level if "level" in attrs else None,
        points_balance=f.points_balance if "points_balance" in attrs else 0,
        orders_count=f.orders_count if "orders_count" in attrs else 0,
        tags={k: v for k, v in f.tags.items() if k in tags})
    assert rules.evaluate(rule, narrowed) == rules.evaluate(rule, f)


@pytest.mark.parametrize("bad", [
    {}, {"tags": "vip"}, {"tag": "Not-A-Tag"}, {"tag": "vip", "gt": 1},
    {"attr": "height", "eq": 3}, {"attr": "level", "gt": 2}, {"attr": "level", "eq": 2},
    {"attr": "orders_count", "eq": "3"}, {"attr": "orders_count", "eq": True},
    {"attr": "orders_count", "eq": 1, "gt": 0}, {"attr": "orders_count"},
    {"attr": "level", "in": []}, {"and": []}, {"or": {"tag": "vip"}}, {"not": []},
    {"and": [{"tag": "vip"}], "or": [{"tag": "vip"}]}, [{"tag": "vip"}], "vip",
])
def test_malformed_rules_are_refused(bad):
    with pytest.raises(ValidationError):
        rules.parse(bad)


def test_rules_are_bounded():
    deep: dict = {"tag": "vip"}
    for _ in range(rules.MAX_DEPTH):
        deep = {"not": deep}
    with pytest.raises(ValueError, match="nests"):
        rules.parse(deep)
    wide = {"and": [{"or": [{"tag": "vip"}] * 20}] * 6}  # 127 parts
    with pytest.raises(ValueError, match="parts"):
        rules.parse(wide)
    rules.parse({"and": [{"or": [{"tag": "vip"}] * 20}] * 4})  # 85 parts is fine
    long_values = {"attr": "level", "in": ["x" * 100] * 50}  # about 5,100 characters
    with pytest.raises(ValueError, match="characters"):
        rules.parse({"or": [long_values, long_values]})
