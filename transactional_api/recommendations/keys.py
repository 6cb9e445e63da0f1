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


# --- versioned lists of the recommendation bundle (pipelines/serve/recommendations.py) ---
# Every training run writes its lists under its own version, then switches RECO_CURRENT to
# it; the previous version's keys live on until their TTL, so a request that read the old
# pointer still finds its lists.
RECO_CURRENT = f"{_P}:reco:current"
RECO_FAMILIES = ("session_next", "fbt", "viewed_together", "als", "popular", "trending")


def reco_list(version: str, family: str, member: str) -> str:
    """JSON list of [product_id, score], best first. member: a product id (session_next,
    fbt, viewed_together), a user id (als), "all" / "segment:<s>" / "region:<r>" /
    "category:<c>" (popular), "all" (trending)."""
    return f"{_P}:reco:{version}:{family}:{member}"


def reco_meta(version: str) -> str:
    """Hash: version, trained_at, interactions, published_at, key count."""
    return f"{_P}:reco:{version}:meta"


def intent_sessions(version: str) -> str:
    """Hash of session key -> purchase probability (as a decimal string)."""
    return f"{_P}:reco:{version}:intent:sessions"


def intent_high_potential(version: str) -> str:
    """Set of the user ids tagged high potential."""
    return f"{_P}:reco:{version}:intent:high_potential"


def intent_threshold(version: str) -> str:
    return f"{_P}:reco:{version}:intent:threshold"


# --- state the API itself writes (not features: never replaced by a publish) -------------
def session_recent(session_key: str) -> str:
    """List of the product ids a session viewed or carted, most recent first (capped, TTL)."""
    return f"flywheel:reco:v1:recent:{session_key}"


RULES_VERSION = "flywheel:reco:v1:rules-version"  # INCR on every operator rule change
