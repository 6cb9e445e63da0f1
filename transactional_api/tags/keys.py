"""Redis keys of the automatic tags the pipelines publish (pipelines/serve/features.py) and
the API reads; in the features' namespace, so one publish replaces them with the rest."""

from __future__ import annotations

from transactional_api.recommendations.keys import FEATURES_VERSION

_P = f"flywheel:features:{FEATURES_VERSION}:autotags"


def user_auto_tags(user_id: str) -> str:
    """Hash of tag name -> JSON {"value": str, "computed_at": ISO-8601 UTC}."""
    return f"{_P}:user:{user_id}"


def tag_members(tag: str) -> str:
    """Set of the user ids carrying an automatic tag (audience sizes start from it)."""
    return f"{_P}:members:{tag}"


def size_cache(audience_id: str, version: int) -> str:
    """An audience's last computed size (JSON), for a short while; not a feature."""
    return f"flywheel:tags:v1:audience-size:{audience_id}:{version}"


# Automatic tags published with the recommendation bundle (pipelines/serve/bundle_tags.py)
# rather than from the warehouse's fct_user_auto_tags: published_features keeps their
# fields in the per-user hashes and their member sets.
HIGH_INTENT = "high_intent"
BUNDLE_TAGS = (HIGH_INTENT,)
