"""Identity: registrations, sign-ins, codes, two-factor, password and session changes.

No payload carries personal data (no email, phone or name): the lake is append-only and
cannot forget, so an erased account leaves nothing behind but its id. The envelope's
user_id is the account (None for a code asked for an address with no account yet).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from transactional_api.events.envelope import Count, Envelope, Strict

Channel = Literal["email", "phone"]
OidcProviderName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,23}$")]
# Added compatibly in schema_version 1: every earlier value still validates, and a sign-in
# through an OpenID provider is "oidc:<provider>" (the operator's name for the provider).
SignInMethod = Literal["password", "email_code", "phone_code"] | Annotated[
    str, Field(pattern=r"^oidc:[a-z0-9][a-z0-9_-]{0,23}$")]


class UserRegisteredPayload(Strict):
    method: SignInMethod
    has_email: bool
    has_phone: bool


class UserSignedInPayload(Strict):
    method: SignInMethod
    # the second step taken, when the account has two-factor on
    second_factor: Literal["totp", "recovery_code"] | None = None


class UserSignedOutPayload(Strict):
    scope: Literal["session", "everywhere"]
    sessions_revoked: Count


class OtpRequestedPayload(Strict):
    channel: Channel
    purpose: Literal["sign_in", "password_reset"]


class PasswordChangedPayload(Strict):
    method: Literal["change", "reset"]
    sessions_revoked: Count


class TwoFactorEnabledPayload(Strict):
    kind: Literal["totp"]
    recovery_codes: Count


class TwoFactorDisabledPayload(Strict):
    kind: Literal["totp"]


class RecoveryCodeUsedPayload(Strict):
    remaining: Count


class IdentityLinkedPayload(Strict):
    """An account was linked to an identity at an OpenID provider (never the subject or
    email: they identify a person). via: sign_up (the account was created by this sign-in)
    or verified_email (an existing account with the email the provider vouched for)."""

    provider: OidcProviderName
    via: Literal["sign_up", "verified_email"]


class IdentityUnlinkedPayload(Strict):
    provider: OidcProviderName


class AccountDeletedPayload(Strict):
    """Personal data erased; orders_kept orders stay for accounting under the same id."""

    orders_kept: Count
    addresses_erased: Count
    sessions_revoked: Count


class UserRegistered(Envelope):
    event_type: Literal["user_registered"] = "user_registered"
    payload: UserRegisteredPayload


class UserSignedIn(Envelope):
    event_type: Literal["user_signed_in"] = "user_signed_in"
    payload: UserSignedInPayload


class UserSignedOut(Envelope):
    event_type: Literal["user_signed_out"] = "user_signed_out"
    payload: UserSignedOutPayload


class OtpRequested(Envelope):
    event_type: Literal["otp_requested"] = "otp_requested"
    payload: OtpRequestedPayload


class PasswordChanged(Envelope):
    event_type: Literal["password_changed"] = "password_changed"
    payload: PasswordChangedPayload


class TwoFactorEnabled(Envelope):
    event_type: Literal["two_factor_enabled"] = "two_factor_enabled"
    payload: TwoFactorEnabledPayload


class TwoFactorDisabled(Envelope):
    event_type: Literal["two_factor_disabled"] = "two_factor_disabled"
    payload: TwoFactorDisabledPayload


class RecoveryCodeUsed(Envelope):
    event_type: Literal["recovery_code_used"] = "recovery_code_used"
    payload: RecoveryCodeUsedPayload


class IdentityLinked(Envelope):
    event_type: Literal["identity_linked"] = "identity_linked"
    payload: IdentityLinkedPayload


class IdentityUnlinked(Envelope):
    event_type: Literal["identity_unlinked"] = "identity_unlinked"
    payload: IdentityUnlinkedPayload


class AccountDeleted(Envelope):
    event_type: Literal["account_deleted"] = "account_deleted"
    payload: AccountDeletedPayload


IDENTITY_EVENTS: dict[str, type[Envelope]] = {
    m.model_fields["event_type"].default: m
    for m in (UserRegistered, UserSignedIn, UserSignedOut, OtpRequested, PasswordChanged,
              TwoFactorEnabled, TwoFactorDisabled, RecoveryCodeUsed, AccountDeleted,
              IdentityLinked, IdentityUnlinked)
}
