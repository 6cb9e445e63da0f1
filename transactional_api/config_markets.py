"""Settings of markets and currencies (issue 16, transactional_api/markets). Settings
inherits them; each is FLYWHEEL_<NAME>."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MarketSettings(BaseModel):
    markets_base_language: str = Field(
        "en", min_length=2, max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="The language of the base storefront (no market given)")
    fx_load_progress_every: int = Field(
        1000, ge=1, le=10**7, description="`flywheel fx load-rates` prints progress every "
        "this many rows")
