"""A/B variants: which list each placement serves first, and who sees which variant.

Assignment is a hash of the experiment's salt and the user id (a visitor's session key
when anonymous): stable across requests and processes, and roughly uniform.
"""

from __future__ import annotations

import hashlib
from typing import Literal

Source = Literal["session_next", "als", "fbt", "viewed_together", "popular_region",
                 "popular_category", "popular", "trending"]
Plan = dict[Literal["home", "product", "cart", "bought_together"], list[Source]]

# A: the personal and session models first; B: co-occurrence and popularity first.
DEFAULT_VARIANTS: dict[str, Plan] = {
    "A": {"home": ["als", "popular_region", "popular"],
          "product": ["session_next", "viewed_together", "popular_category", "popular"],
          "cart": ["session_next", "fbt", "popular"],
          "bought_together": ["fbt", "viewed_together"]},
    "B": {"home": ["popular_region", "popular"],
          "product": ["viewed_together", "session_next", "popular_category", "popular"],
          "cart": ["fbt", "session_next", "popular"],
          "bought_together": ["fbt", "viewed_together"]},
}


def assign(subject: str | None, *, salt: str, variants: list[str]) -> str:
    """The variant of subject (first variant for a caller with no id at all)."""
    if not subject:
        return variants[0]
    digest = hashlib.blake2b(f"{salt}\x00{subject}".encode(), digest_size=8).digest()
    return variants[int.from_bytes(digest, "big") % len(variants)]
