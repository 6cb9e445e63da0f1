"""Redis key of the reorder suggestions the pipelines publish and the API serves."""

from transactional_api.recommendations.keys import FEATURES_VERSION

# JSON object {"as_of": date, "generated_at": ts, "suggestions": [ {...}, ... ]}, written
# whole in one SET by pipelines/serve/reorder.py (readers see the old list or the new one).
SUGGESTIONS = f"flywheel:features:{FEATURES_VERSION}:replenishment:suggestions"
