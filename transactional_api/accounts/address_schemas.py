from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

_TEXT = r"^[^\x00-\x1f\x7f]*$"  # printable: no control characters in labels or logs


class AddressFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=100, pattern=_TEXT)
    phone: str | None = Field(None, min_length=3, max_length=32, pattern=r"^[0-9+() .-]+$")
    line1: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    line2: str | None = Field(None, max_length=200, pattern=_TEXT)
    city: str = Field(min_length=1, max_length=100, pattern=_TEXT)
    # required or not by the country's format (duties/address_formats.py)
    region: str | None = Field(None, min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    postal_code: str | None = Field(None, min_length=1, max_length=16,
                                    pattern=r"^[A-Za-z0-9 -]+$")
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")


class AddressIn(AddressFields):
    is_default: bool = False


class AddressPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str | None = Field(None, min_length=1, max_length=100, pattern=_TEXT)
    phone: str | None = Field(None, min_length=3, max_length=32, pattern=r"^[0-9+() .-]+$")
    line1: str | None = Field(None, min_length=1, max_length=200, pattern=_TEXT)
    line2: str | None = Field(None, max_length=200, pattern=_TEXT)
    city: str | None = Field(None, min_length=1, max_length=100, pattern=_TEXT)
    region: str | None = Field(None, min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    postal_code: str | None = Field(None, min_length=1, max_length=16,
                                    pattern=r"^[A-Za-z0-9 -]+$")
    country: str | None = Field(None, min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    is_default: bool | None = None


class AddressOut(AddressFields):
    id: str
    is_default: bool
    created_at: datetime
