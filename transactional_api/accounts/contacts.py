"""Where an account can be reached: an email address or an E.164 phone number.

users.email is NOT NULL (changing that on SQLite means rebuilding the users table, whose
DROP would cascade into every session and address). An account without an email (signed
up by phone, through an OpenID provider that did not verify one, or erased) therefore holds
a placeholder under the reserved .invalid domain (RFC 6761: it can never receive mail),
and the API shows it as no email at all.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from transactional_api.accounts.schemas import _EMAIL

PLACEHOLDER_DOMAIN = "users.invalid"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
EMAIL = re.compile(_EMAIL)  # the pattern password registration has always used

Channel = Literal["email", "phone"]


def normalise_phone(value: str) -> str:
    """E.164: '+', country code, subscriber number; spaces, dots, dashes and brackets as
    people type them are dropped, anything else is refused."""
    compact = re.sub(r"[\s.\-()]", "", value)
    if not E164.match(compact):
        raise ValueError("phone must be in E.164 form, e.g. +14155550123")
    return compact


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise ValueError("not an email address")
    if email.endswith("." + PLACEHOLDER_DOMAIN.split(".")[-1]):
        raise ValueError("not a deliverable email address")
    return email


def normalise(channel: Channel, destination: str) -> str:
    return normalise_email(destination) if channel == "email" else normalise_phone(destination)


Phone = Annotated[str, Field(max_length=32), AfterValidator(normalise_phone)]
Email = Annotated[str, Field(max_length=254), AfterValidator(normalise_email)]


def placeholder_email(user_id: str, why: Literal["phone", "erased", "oidc"]) -> str:
    return f"{why}-{user_id}@{PLACEHOLDER_DOMAIN}"


def public_email(email: str | None) -> str | None:
    """The account's email as the API shows it: None for a placeholder."""
    if email is None or email.endswith("@" + PLACEHOLDER_DOMAIN):
        return None
    return email
