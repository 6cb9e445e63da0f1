"""Redis keys of risk control: the API's own counters, and the score the pipelines publish
(in the features' namespace, so one publish replaces the scores with the other features)."""

from __future__ import annotations

from transactional_api.recommendations.keys import FEATURES_VERSION

_COUNTERS = "flywheel:risk:v1"
_SCORES = f"flywheel:features:{FEATURES_VERSION}:risk:score"


def user_score(user_id: str) -> str:
    """Hash: score (0-100 integer as text), computed_at (ISO-8601 UTC)."""
    return f"{_SCORES}:{user_id}"


def velocity(action: str, dim: str, value: str, bucket: int) -> str:
    return f"{_COUNTERS}:vel:{action}:{dim}:{value}:{bucket}"


def accounts(dim: str, value: str, day: int) -> str:
    return f"{_COUNTERS}:acct:{dim}:{value}:{day}"


def distinct(dim: str, value: str, bucket: int) -> str:
    """HyperLogLog of the user ids seen behind one value in one 10-day bucket."""
    return f"{_COUNTERS}:users:{dim}:{value}:{bucket}"
