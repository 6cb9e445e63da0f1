from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from transactional_api.duties.models import MAX_DUTY_BPS, MAX_TAX_BPS
from transactional_api.events.contract import MAX_CENTS


class DutyRateIn(BaseModel):
    """category_id null: the country's default rule. de_minimis_cents: goods to the
    country worth less than it (in de_minimis_currency's minor units) pay no duty; 0: none."""

    model_config = ConfigDict(extra="forbid")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    category_id: str | None = Field(None, min_length=1, max_length=36)
    duty_bps: int = Field(strict=True, ge=0, le=MAX_DUTY_BPS)
    import_tax_bps: int = Field(strict=True, ge=0, le=MAX_TAX_BPS)
    de_minimis_cents: int = Field(0, strict=True, ge=0, le=MAX_CENTS)
    de_minimis_currency: str = Field(pattern=r"^[A-Z]{3}$")
    effective_from: AwareDatetime | None = None


class DutyRateOut(BaseModel):
    id: str
    country: str
    category_id: str | None
    duty_bps: int
    import_tax_bps: int
    de_minimis_cents: int
    de_minimis_currency: str
    effective_from: datetime
    created_at: datetime


class AddressFieldOut(BaseModel):
    name: str
    required: bool


class AddressFormatOut(BaseModel):
    country: str
    name: str
    fields: list[AddressFieldOut]
    postal_code: str = Field(description="required | optional | none (not used there)")
    postal_code_pattern: str | None
    lines: list[str] = Field(description="Line templates in the order they are written")
    example: dict
    example_lines: list[str]
