"""Settings of cross-border orders (issue 16): the shop's origin country, from which an
address elsewhere is a cross-border destination. Settings inherits them; each is
FLYWHEEL_<NAME>."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DutiesSettings(BaseModel):
    # --- duties and import taxes (transactional_api/duties) ---
    duties_origin_country: str = Field(
        "US", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country the shop ships "
        "from: orders to any other country are priced with its duties and import taxes")
