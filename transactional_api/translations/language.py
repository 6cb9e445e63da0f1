"""Language tags and the choice of language for one request: pure functions, no I/O.

A tag is a BCP 47 language with an optional script and region ("pt", "pt-BR",
"zh-Hant-TW"), normalised to the registry's casing. The choice: the ``lang`` parameter
beats ``Accept-Language`` (highest q first, q=0 never), which beats the market's
language; with none of them nothing is localised (the original texts are the shop's).
The chain a text falls back along: the tag, its base language, the shop's default
language (and its base), then the entity's original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transactional_api.core.errors import Unprocessable

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|[0-9]{3}))?$")
_Q = re.compile(r"^q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")
MAX_HEADER_ENTRIES = 50


def normalise(tag: str) -> str:
    """"PT_br" -> "pt-BR"; ValueError for anything that is not a language tag."""
    m = _TAG.match(tag.strip()) if isinstance(tag, str) else None
    if m is None:
        raise ValueError(f"{tag!r} is not a language tag like 'pt' or 'pt-BR'")
    lang, script, region = m.groups()
    return "-".join(p for p in (lang.lower(), script and script.title(),
                                region and region.upper()) if p)


def base(tag: str) -> str:
    return tag.split("-", 1)[0]


def accepted(tag: str, supported: tuple[str, ...] | list[str]) -> bool:
    """A supported tag, or a variant of a supported base language ("pt-PT" when "pt" or
    "pt-BR" is supported)."""
    return tag in supported or base(tag) in {base(s) for s in supported}


def parse_accept_language(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most preferred first (ties keep their
    order); malformed entries, "*" and q=0 are left out."""
    ranked = []
    for position, entry in enumerate((header or "").split(",")[:MAX_HEADER_ENTRIES]):
        tag, *params = (p.strip() for p in entry.split(";"))
        q = 1.0
        for p in params:
            m = _Q.match(p.replace(" ", "").lower())
            if m is None:
                q = -1.0  # a malformed weight: the entry is unreadable
                break
            q = float(m.group(1))
        if q <= 0 or not tag or tag == "*":
            continue
        try:
            ranked.append((-q, position, normalise(tag)))
        except ValueError:
            continue
    seen: dict[str, None] = {}
    for _, _, tag in sorted(ranked):
        seen.setdefault(tag, None)
    return list(seen)


def chain(requested: str, default: str) -> tuple[str, ...]:
    """pt-BR with default en: ("pt-BR", "pt", "en")."""
    return tuple(dict.fromkeys((requested, base(requested), default, base(default))))


@dataclass
class LangChain:
    """The languages a response's texts are looked up in, in order; ``used`` collects
    the ones that supplied a text and ``fell_back`` whether any text stayed original."""

    tags: tuple[str, ...]
    original: str
    used: set[str] = field(default_factory=set)
    fell_back: bool = False

    @property
    def requested(self) -> str:
        return self.tags[0]

    def content_language(self) -> str:
        """The languages the response's texts are in, the chain's order first."""
        langs = [t for t in self.tags if t in self.used]
        if self.fell_back:
            langs.append(self.original)
        return ", ".join(dict.fromkeys(langs)) or self.requested


def negotiate(*, lang: str | None, accept_language: str | None, market_language: str | None,
              default: str, supported: tuple[str, ...] | list[str]) -> LangChain | None:
    """The chain for a request, or None when it asks for no language (originals as
    today). 422 bad_language for a malformed lang parameter, unsupported_language for one
    the shop does not offer; the header is a preference, so what it cannot give is
    skipped."""
    requested = None
    if lang is not None:
        try:
            requested = normalise(lang)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="bad_language") from None
        if not accepted(requested, supported):
            raise Unprocessable(f"{requested} is not offered", code="unsupported_language",
                                details={"supported": list(supported)})
    if requested is None:
        requested = next((t for t in parse_accept_language(accept_language)
                          if accepted(t, supported)), None)
    if requested is None and market_language:
        try:
            requested = normalise(market_language)
        except ValueError:
            requested = None
    if requested is None:
        return None
    return LangChain(tags=chain(requested, default), original=default)
