"""Redis key names of the features the pipelines publish and the API reads.

The one place both sides agree on; bump FEATURES_VERSION for a breaking change.
"""

FEATURES_VERSION = "v1"
_P = f"flywheel:features:{FEATURES_VERSION}"

POPULAR = f"{_P}:reco:popular"  # JSON list of [product_id, score], best first
META = f"{_P}:meta"  # hash: published_at, model, counts


def item_recos(product_id: str) -> str:
    """JSON list of [product_id, score] pairs: viewed/bought together."""
    return f"{_P}:reco:item:{product_id}"


def user_recos(user_id: str) -> str:
    """JSON list of [product_id, score] pairs for one user."""
    return f"{_P}:reco:user:{user_id}"


def user_tags(user_id: str) -> str:
    """Hash of tag name -> value (rfm_segment, recency_days, …)."""
    return f"{_P}:tags:user:{user_id}"
