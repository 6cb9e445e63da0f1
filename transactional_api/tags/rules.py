"""The audience rule language: JSON expressions over a user's attributes and tags.

    {"tag": "dormant_90d"}                       the user carries the tag (include)
    {"tag": "rfm_segment", "eq": "champions"}    ... with this value
    {"attr": "level", "eq": "gold"}              equals
    {"attr": "level", "in": ["gold", "diamond"]} one of
    {"attr": "orders_count", "gt": 3}            greater than (numeric attributes)
    {"and": [...]}, {"or": [...]}, {"not": {...}}

Attributes: level (str), points_balance and orders_count (int). A rule is validated by
pydantic (422 on anything else) and bounded in depth and size, so evaluating one costs
a known, small amount.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictInt,
    StrictStr,
    Tag,
    TypeAdapter,
    model_validator,
)

MAX_DEPTH = 8
MAX_NODES = 100
MAX_CHARS = 10_000  # of the canonical JSON: what audiences store and their events carry
TAG_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
TagName = Annotated[str, Field(pattern=TAG_PATTERN)]
Value = Annotated[StrictStr, Field(min_length=1, max_length=100)]
NUMERIC = ("points_balance", "orders_count")
Attr = Literal["level", "points_balance", "orders_count"]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TagRule(_Node):
    tag: TagName
    eq: Value | None = None


class AttrRule(_Node):
    attr: Attr
    eq: StrictInt | Value | None = None
    gt: StrictInt | None = None
    in_: list[StrictInt | Value] | None = Field(None, alias="in", min_length=1, max_length=50)

    @model_validator(mode="after")
    def _one_operator(self) -> AttrRule:
        given = [op for op in ("eq", "gt", "in_") if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError("an attribute rule takes exactly one of eq, gt, in")
        numeric = self.attr in NUMERIC
        values = [self.eq] if self.eq is not None else (self.in_ or [])
        if any(isinstance(v, int) != numeric for v in values):
            raise ValueError(f"{self.attr} compares with {'integers' if numeric else 'strings'}")
        if self.gt is not None and not numeric:
            raise ValueError(f"gt needs a numeric attribute ({', '.join(NUMERIC)})")
        return self


class AndRule(_Node):
    and_: list[Rule] = Field(alias="and", min_length=1, max_length=20)


class OrRule(_Node):
    or_: list[Rule] = Field(alias="or", min_length=1, max_length=20)


class NotRule(_Node):
    not_: Rule = Field(alias="not")


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("tag", "attr", "and", "or", "not"):
            if key in value:
                return key
        return None
    return {TagRule: "tag", AttrRule: "attr", AndRule: "and", OrRule: "or",
            NotRule: "not"}.get(type(value))


Rule = Annotated[
    Union[Annotated[TagRule, Tag("tag")], Annotated[AttrRule, Tag("attr")],  # noqa: UP007
          Annotated[AndRule, Tag("and")], Annotated[OrRule, Tag("or")],
          Annotated[NotRule, Tag("not")]],
    Discriminator(_kind),
]
for _model in (AndRule, OrRule, NotRule):
    _model.model_rebuild()
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Rule)


def children(rule) -> list:
    if isinstance(rule, AndRule):
        return list(rule.and_)
    if isinstance(rule, OrRule):
        return list(rule.or_)
    if isinstance(rule, NotRule):
        return [rule.not_]
    return []


def check_bounds(rule) -> Any:
    """Refuse rules deeper than MAX_DEPTH or larger than MAX_NODES (a pydantic validator)."""
    nodes, stack = 0, [(rule, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise ValueError(f"a rule nests at most {MAX_DEPTH} levels")
        if nodes > MAX_NODES:
            raise ValueError(f"a rule has at most {MAX_NODES} parts")
        stack.extend((child, depth + 1) for child in children(node))
    if len(canonical(rule)) > MAX_CHARS:
        raise ValueError(f"a rule is at most {MAX_CHARS} characters of JSON")
    return rule


def parse(data: Any):
    """A validated rule from its JSON form (pydantic.ValidationError, or ValueError past
    the bounds, otherwise)."""
    return check_bounds(_ADAPTER.validate_python(data))


def to_json(rule) -> dict:
    return _ADAPTER.dump_python(rule, by_alias=True, exclude_none=True)


def canonical(rule) -> str:
    return json.dumps(to_json(rule), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Facts:
    """What a rule sees of one user. tags: name -> value (None for a manual tag)."""

    level: str | None = None
    points_balance: int = 0
    orders_count: int = 0
    tags: Mapping[str, str | None] = field(default_factory=dict)


def evaluate(rule, facts: Facts) -> bool:
    """Short-circuit evaluation: the hot path of in_audience."""
    if isinstance(rule, TagRule):
        if rule.tag not in facts.tags:
            return False
        return rule.eq is None or facts.tags[rule.tag] == rule.eq
    if isinstance(rule, AttrRule):
        value = getattr(facts, rule.attr)
        if rule.eq is not None:
            return value == rule.eq
        if rule.gt is not None:
            return value is not None and value > rule.gt
        return value in rule.in_
    if isinstance(rule, AndRule):
        return all(evaluate(child, facts) for child in rule.and_)
    if isinstance(rule, OrRule):
        return any(evaluate(child, facts) for child in rule.or_)
    return not evaluate(rule.not_, facts)


def explain(rule, facts: Facts, path: str = "$") -> tuple[bool, list[dict]]:
    """Every sub-rule's outcome (no short circuit), each with its JSON path, so an operator
    sees why a user is in or out."""
    trace: list[dict] = []

    def walk(node, at: str) -> bool:
        if isinstance(node, AndRule | OrRule):
            key = "and" if isinstance(node, AndRule) else "or"
            results = [walk(child, f"{at}.{key}[{i}]") for i, child in enumerate(children(node))]
            matched = all(results) if key == "and" else any(results)
        elif isinstance(node, NotRule):
            matched = not walk(node.not_, f"{at}.not")
        else:
            matched = evaluate(node, facts)
        trace.append({"path": at, "rule": to_json(node), "matched": matched})
        return matched

    matched = walk(rule, path)
    trace.sort(key=lambda item: item["path"])
    return matched, trace


def needs(rule) -> tuple[set[str], set[str]]:
    """(attributes the rule reads, tag names it reads): only those are fetched."""
    attrs, tags, stack = set(), set(), [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, TagRule):
            tags.add(node.tag)
        elif isinstance(node, AttrRule):
            attrs.add(node.attr)
        stack.extend(children(node))
    return attrs, tags


def required_tags(rule) -> set[str] | None:
    """Tags of which every matching user carries at least one, or None when the rule can
    match users without any tag (then an audience's size must look at every user)."""
    if isinstance(rule, TagRule):
        return {rule.tag}
    if isinstance(rule, AndRule):
        options = [r for r in (required_tags(c) for c in rule.and_) if r is not None]
        return min(options, key=len) if options else None
    if isinstance(rule, OrRule):
        options = [required_tags(c) for c in rule.or_]
        return None if any(o is None for o in options) else set().union(*options)
    return None
