"""Request and response bodies of sign-in by code, two-factor, passwords and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from transactional_api.accounts.contacts import Channel, Email, Phone, normalise
from transactional_api.accounts.schemas import AuthOut

CODE = r"^[0-9]{6}$"
Code = Field(pattern=CODE)
Password = Field(min_length=8, max_length=128)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Addressed(_In):
    channel: Channel
    destination: str = Field(min_length=3, max_length=254,
                             description="an email address, or a phone number in E.164 form")

    @model_validator(mode="after")
    def _normalise(self):
        self.destination = normalise(self.channel, self.destination)
        return self


class CodeRequestIn(_Addressed):
    purpose: Literal["sign_in", "password_reset"] = "sign_in"


class CodeSentOut(BaseModel):
    """The same answer whether or not an account uses the address."""

    status: Literal["sent"] = "sent"
    expires_in_seconds: int


class CodeSignInIn(_Addressed):
    code: str = Code


class PasswordResetIn(_Addressed):
    code: str = Code
    new_password: str = Password


class LoginIn(_In):
    """A password sign-in by email or by a verified phone number."""

    email: Email | None = None
    phone: Phone | None = None
    password: str = Field(min_length=1, max_length=128)

    @model_validator(mode="after")
    def _one(self):
        if (self.email is None) == (self.phone is None):
            raise ValueError("give either email or phone")
        return self


class CodeAuthOut(AuthOut):
    created: bool = Field(description="True when this code signed a new account up")


class SecondFactorOut(BaseModel):
    """The first step passed; the account also needs a TOTP or recovery code."""

    second_factor_required: Literal[True] = True
    ticket: str
    methods: list[str] = ["totp", "recovery_code"]
    expires_in_seconds: int


class SecondFactorIn(_In):
    ticket: str = Field(min_length=20, max_length=100)
    code: str | None = Field(None, pattern=CODE)
    recovery_code: str | None = Field(None, min_length=10, max_length=16)

    @model_validator(mode="after")
    def _one(self):
        if (self.code is None) == (self.recovery_code is None):
            raise ValueError("give either code (TOTP) or recovery_code")
        return self


class PasswordChangeIn(_In):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Password


class TotpEnrolOut(BaseModel):
    secret: str = Field(description="base32 seed, for typing into an authenticator")
    otpauth_uri: str = Field(description="otpauth:// provisioning URI, to show as a QR code")


class TotpCodeIn(_In):
    code: str = Code


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="shown once; each works once")


class SessionsRevokedOut(BaseModel):
    sessions_revoked: int


class DeleteAccountIn(_In):
    """Proof it is the owner: the password, or (no password set) a fresh sign-in code sent
    to the account's email or phone."""

    password: str | None = Field(None, max_length=128)
    code: str | None = Field(None, pattern=CODE)
    channel: Channel | None = None


class AccountDeletedOut(BaseModel):
    status: Literal["deleted"] = "deleted"
    orders_kept: int


class SandboxMessageOut(BaseModel):
    id: str
    channel: str
    destination: str
    purpose: str
    body: str
    created_at: datetime


class SandboxMessagesOut(BaseModel):
    items: list[SandboxMessageOut]
