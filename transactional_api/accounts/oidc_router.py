"""Sign-in through OpenID Connect providers (authorization code flow with PKCE, state and
nonce), and the identities an account has linked.

start: a fresh state, nonce and PKCE verifier kept in Redis for a few minutes, and the
provider's authorization URL (JSON, or a 302 with ?redirect=true). callback: the state is
spent first, then the code is exchanged and the ID token checked (accounts/oidc_client.py);
only then is an account found, linked or created (accounts/oidc.py), and the sign-in ends
like every other one, with a token or a second-factor ticket (accounts/signin.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from transactional_api.accounts import oidc, oidc_state, signin, throttle
from transactional_api.accounts.identity_schemas import SecondFactorOut
from transactional_api.accounts.oidc_client import OidcRefused, Providers
from transactional_api.accounts.oidc_schemas import (
    LinkedIdentitiesOut,
    LinkedIdentityOut,
    OidcAuthOut,
    OidcProviderOut,
    OidcProvidersOut,
    OidcStartOut,
)
from transactional_api.core import clock
from transactional_api.core.db import transaction
from transactional_api.core.deps import CurrentCaller, SettingsDep

router = APIRouter(tags=["identity"])
ProviderName = Annotated[str, Path(min_length=1, max_length=50)]


def providers(request: Request) -> Providers:
    """The process's provider clients (discovery and keys cached inside)."""
    state = request.app.state
    found = getattr(state, "oidc_providers", None)
    if found is None:
        settings = state.settings
        found = Providers(settings.oidc_providers,
                          timeout_seconds=settings.oidc_http_timeout_seconds,
                          leeway_seconds=settings.oidc_clock_skew_seconds)
        state.oidc_providers = found
    return found


def _display(request: Request, name: str) -> str:
    for p in providers(request).configured():
        if p.name == name:
            return p.display_name or p.name
    return name  # a provider since removed from the settings


@router.get("/v1/auth/oidc/providers", response_model=OidcProvidersOut,
            description="The OpenID providers a shopper may sign in with.")
def list_providers(request: Request) -> OidcProvidersOut:
    return OidcProvidersOut(items=[OidcProviderOut(name=p.name,
                                                   display_name=p.display_name or p.name)
                                   for p in providers(request).configured()])


@router.get("/v1/auth/oidc/{provider}/start", response_model=OidcStartOut,
            responses={302: {"description": "redirect=true: to the provider"}},
            description="Start a sign-in at the provider: its authorization URL, carrying a "
            "single-use state, a nonce and a PKCE challenge.")
def start(provider: ProviderName, request: Request, settings: SettingsDep,
          redirect: bool = False) -> OidcStartOut | RedirectResponse:
    redis = request.app.state.redis
    throttle.sign_in(redis, settings, throttle.client_address(request), None)
    client = providers(request).get(provider)
    client.metadata()  # an unreachable provider answers 503 before any state is stored
    state, pending = oidc_state.begin(redis, provider=provider,
                                      ttl_seconds=settings.oidc_state_ttl_seconds)
    url = client.authorization_url(state=state, nonce=pending.nonce,
                                   code_verifier=pending.code_verifier)
    if redirect:
        return RedirectResponse(url, status_code=302)
    return OidcStartOut(provider=provider, authorization_url=url, state=state,
                        expires_in_seconds=settings.oidc_state_ttl_seconds)


@router.get("/v1/auth/oidc/{provider}/callback", response_model=OidcAuthOut | SecondFactorOut,
            responses={201: {"model": OidcAuthOut, "description": "signed up"}},
            description="Finish the sign-in with the provider's ?code=&state=. A new identity "
            "is linked to the account with the same email only when the provider says the "
            "email is verified; otherwise it gets a new account (201). With two-factor on, "
            "a ticket for POST /v1/auth/second-factor instead of a token.")
def callback(provider: ProviderName, request: Request, response: Response,
             settings: SettingsDep,
             code: Annotated[str | None, Query(max_length=2048)] = None,
             state: Annotated[str | None, Query(max_length=200)] = None,
             error: Annotated[str | None, Query(max_length=200)] = None,
             ) -> OidcAuthOut | SecondFactorOut:
    redis = request.app.state.redis
    throttle.sign_in(redis, settings, throttle.client_address(request), None)
    client = providers(request).get(provider)
    if not state:
        raise oidc_state.InvalidState()
    # Spent before anything else: whatever follows, this state never works again.
    pending = oidc_state.take(redis, state=state, provider=provider)
    if error:
        raise OidcRefused("the provider did not sign the user in", code="oidc_denied",
                          details={"error": error[:100]})
    if not code:
        raise OidcRefused("the provider sent no code", code="oidc_code_missing")
    token = client.exchange(code=code, code_verifier=pending.code_verifier)
    found = client.validate(token["id_token"], nonce=pending.nonce,
                            access_token=token.get("access_token"))
    with transaction(request.app.state.sessions) as db:
        resolved = oidc.resolve(db, provider=client.provider, found=found,
                                now=clock.real_now())
        user_id, email = resolved.user.id, resolved.user.email
    out = signin.finish(request, user_id, first_step=oidc.method(provider), identifier=email)
    if isinstance(out, SecondFactorOut):
        return out
    if resolved.created:
        response.status_code = 201
    return OidcAuthOut(**out.model_dump(), created=resolved.created, linked=resolved.linked)


@router.get("/v1/me/identities", response_model=LinkedIdentitiesOut,
            description="The OpenID provider identities linked to this account.")
def my_identities(request: Request, caller: CurrentCaller) -> LinkedIdentitiesOut:
    with request.app.state.read_sessions() as db, db.begin():
        rows = oidc.links(db, user_id=caller.id)
        items = [LinkedIdentityOut(provider=r.provider, display_name=_display(request, r.provider),
                                   email=r.email, linked_at=r.linked_at,
                                   last_signed_in_at=r.last_signed_in_at) for r in rows]
    return LinkedIdentitiesOut(items=items)


@router.delete("/v1/me/identities/{provider}", status_code=204,
               description="Unlink the identity at provider. Refused (409) when it is the "
               "account's last way to sign in (no password, email, phone or other link).")
def unlink_identity(provider: ProviderName, request: Request, caller: CurrentCaller) -> None:
    with transaction(request.app.state.sessions) as db:
        oidc.unlink(db, user_id=caller.id, provider=provider)
