"""Redis key of the hot searches the pipelines publish and the API serves."""

from transactional_api.recommendations.keys import FEATURES_VERSION

# JSON list of {"query": str, "searches": int}, hottest first (last 7 days of the warehouse).
HOT_SEARCHES = f"flywheel:features:{FEATURES_VERSION}:search:hot"
