"""The request's language chain as a FastAPI dependency, for the public reads that
localise their texts: ``lang`` beats ``Accept-Language``, which beats the market's
language (markets/, when that domain is installed: ?market= or X-Market)."""

from __future__ import annotations

import importlib
from typing import Annotated

from fastapi import Depends, Header, Query, Request, Response

from transactional_api.core.deps import SettingsDep
from transactional_api.core.errors import DomainError
from transactional_api.translations.language import LangChain, negotiate


def _market_language(request: Request) -> str | None:
    code = request.query_params.get("market") or request.headers.get("x-market")
    if not code or len(code) > 16:
        return None
    try:
        markets = importlib.import_module("transactional_api.markets.service")
    except ImportError:
        return None
    lookup = getattr(markets, "market_language", None)
    if lookup is None:
        return None
    try:
        with request.app.state.read_sessions() as session:
            return lookup(session, code)
    except DomainError:  # an unknown market chooses nothing
        return None


def language_chain(
    request: Request, settings: SettingsDep,
    lang: Annotated[str | None, Query(
        min_length=1, max_length=35,
        description="Language of the texts (BCP 47, e.g. pt-BR); beats Accept-Language. "
        "Missing texts fall back: pt-BR, pt, the shop's default, the original")] = None,
    accept_language: Annotated[str | None, Header(max_length=2000)] = None,
) -> LangChain | None:
    return negotiate(lang=lang, accept_language=accept_language,
                     market_language=_market_language(request),
                     default=settings.translations_default_language,
                     supported=settings.translations_supported_languages)


Lang = Annotated[LangChain | None, Depends(language_chain)]


def say_language(response: Response, chain: LangChain | None) -> None:
    """Content-Language: the languages the texts came in (none asked: no header, as
    before languages existed)."""
    if chain is not None:
        response.headers["Content-Language"] = chain.content_language()
