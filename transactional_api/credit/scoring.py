"""The credit decision: the score the pipelines publish to Redis combined with the API's
rules (risk state, account age, declared income). ``decide`` is pure, so every rule is
tested without Redis; ``read_score`` and ``risk_outcome`` gather its inputs.

Reason codes of a decline: risk_blocked, account_too_new, score_too_low, no_income.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import redis

from transactional_api.risk import keys as risk_keys
from transactional_api.risk.limits import RiskLimits

log = logging.getLogger("flywheel.credit")
RULES_ONLY = "rules_only"


def score_key(user_id: str) -> str:
    """JSON {"score": 0-1000, "factors": [{"name", "effect"}], "model": "..."}."""
    return f"credit:score:{user_id}"


@dataclass(frozen=True)
class PublishedScore:
    score: int
    model: str
    factors: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Facts:
    income_band: str
    employment_status: str
    purpose: str


@dataclass(frozen=True)
class Decision:
    approved: bool
    limit_cents: int
    reason_code: str | None
    score: int | None
    model: str
    factors: list[dict] = field(default_factory=list)


def read_score(client: redis.Redis, user_id: str) -> PublishedScore | None:
    """The published score, or None (absent, unreadable or Redis down: rules only)."""
    try:
        raw = client.get(score_key(user_id))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("credit score unavailable, rules only", extra={"error": str(exc)})
        return None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        score = int(data["score"])
        if not 0 <= score <= 1000:
            raise ValueError(score)
        factors = tuple({"name": str(f["name"])[:40], "effect": str(f["effect"])[:40]}
                        for f in data.get("factors") or [])
        return PublishedScore(score=score, model=str(data.get("model") or "published")[:40],
                              factors=factors)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("unreadable credit score, rules only",
                    extra={"user_id": user_id, "error": str(exc)})
        return None


def risk_outcome(client: redis.Redis, user_id: str, limits: RiskLimits) -> str:
    """allow | challenge | block from risk control's published user score."""
    try:
        raw = client.hget(risk_keys.user_score(user_id), "score")
    except (redis.ConnectionError, redis.TimeoutError):
        return "allow"  # as risk control itself does when Redis is down
    if raw is None:
        return "allow"
    try:
        return limits.score.outcome(int(float(raw)))
    except ValueError:
        return "allow"


def _effect(published: str) -> str:
    text = published.lower()
    if text.startswith(("+", "pos", "up", "raise", "increase")):
        return "positive"
    if text.startswith(("-", "neg", "down", "lower", "decrease")):
        return "negative"
    return "neutral"


def decide(*, facts: Facts, published: PublishedScore | None, risk: str,
           account_age_days: float, income_caps: dict[str, int], min_score: int,
           rules_only_limit_cents: int, min_account_age_days: int, young_account_days: int,
           step_cents: int) -> Decision:
    factors: list[dict] = []
    score = published.score if published else None
    model = published.model if published else RULES_ONLY

    def decline(code: str, detail: str) -> Decision:
        factors.insert(0, {"name": code, "effect": "decisive", "detail": detail})
        return Decision(approved=False, limit_cents=0, reason_code=code, score=score,
                        model=model, factors=factors)

    if facts.income_band not in income_caps:
        raise ValueError(f"unknown income band {facts.income_band!r}")
    if risk == "block":
        return decline("risk_blocked", "risk control blocks this account")
    if account_age_days < min_account_age_days:
        return decline("account_too_new", f"accounts need {min_account_age_days} days")
    cap = income_caps[facts.income_band]
    if facts.employment_status == "unemployed":
        cap //= 2
        factors.append({"name": "employment_status", "effect": "negative",
                        "detail": "unemployed: half the income band's cap"})
    if cap <= 0:
        return decline("no_income", "the declared income allows no credit")
    if published is not None:
        for f in published.factors[:5]:
            factors.append({"name": f["name"], "effect": _effect(f["effect"]),
                            "detail": f"from {model}"})
        if published.score < min_score:
            return decline("score_too_low", f"score {published.score} < {min_score}")
        limit = cap * published.score // 1000
        factors.append({"name": "credit_score", "effect": "positive",
                        "detail": f"score {published.score} of 1000 sets the limit"})
    else:
        limit = min(cap, rules_only_limit_cents)
        factors.append({"name": "no_published_score", "effect": "neutral",
                        "detail": "rules-only limit"})
    if account_age_days < young_account_days:
        limit //= 2
        factors.append({"name": "account_age", "effect": "negative",
                        "detail": f"account younger than {young_account_days} days"})
    else:
        factors.append({"name": "account_age", "effect": "positive", "detail": None})
    if risk == "challenge":
        limit //= 2
        factors.append({"name": "risk_state", "effect": "negative",
                        "detail": "risk control challenges this account"})
    limit = min(limit, cap) // step_cents * step_cents
    factors.append({"name": "income_band", "effect": "neutral",
                    "detail": f"{facts.income_band} caps the limit at {cap}"})
    if limit <= 0:
        return decline("score_too_low", "the rules leave no limit")
    return Decision(approved=True, limit_cents=limit, reason_code=None, score=score,
                    model=model, factors=factors)
