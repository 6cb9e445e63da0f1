"""The language choice as a pure function, over generated headers and parameters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transactional_api.core.errors import Unprocessable
from transactional_api.translations.language import (
    base,
    negotiate,
    normalise,
    parse_accept_language,
)

SUPPORTED = ("en", "pt-BR", "pt", "es", "fr")
tags = st.sampled_from(["en", "en-GB", "pt", "pt-BR", "pt-PT", "es", "es-MX", "fr", "de",
                        "ja", "zh-Hant-TW"])
qs = st.sampled_from(["", ";q=1", ";q=0.9", ";q=0.5", ";q=0.25", ";q=0.001", ";q=0"])
entries = st.lists(st.tuples(tags, qs), max_size=6)


def _q(suffix: str) -> float:
    return float(suffix.split("=")[1]) if suffix else 1.0


def _header(es) -> str:
    return ", ".join(f"{t}{q}" for t, q in es)


@given(entries)
def test_the_header_picks_the_most_preferred_offered_language(es):
    chain = negotiate(lang=None, accept_language=_header(es), market_language=None,
                      default="en", supported=SUPPORTED)
    offered = [(t, _q(q)) for t, q in es
               if _q(q) > 0 and base(t) in {base(s) for s in SUPPORTED}]
    if not offered:
        assert chain is None
        return
    best = max(q for _, q in offered)
    # the first entry (in header order) with the highest weight among offered ones
    assert chain.requested == next(t for t, q in offered if q == best)
    # then its base language, then the default; each once
    assert chain.tags == tuple(dict.fromkeys((chain.requested, base(chain.requested), "en")))


@given(tags, entries)
def test_the_lang_parameter_beats_any_header(lang, es):
    try:
        chain = negotiate(lang=lang, accept_language=_header(es), market_language="es",
                          default="en", supported=SUPPORTED)
    except Unprocessable as exc:
        assert exc.code == "unsupported_language"
        assert base(lang) not in {base(s) for s in SUPPORTED}
        return
    assert chain.requested == normalise(lang)


@given(st.text(max_size=40))
def test_any_header_text_parses_without_error(text):
    for tag in parse_accept_language(text):
        assert normalise(tag) == tag


def test_the_market_language_comes_after_the_header_and_lang():
    assert negotiate(lang=None, accept_language=None, market_language="pt-br", default="en",
                     supported=SUPPORTED).tags == ("pt-BR", "pt", "en")
    assert negotiate(lang=None, accept_language="fr", market_language="pt-BR", default="en",
                     supported=SUPPORTED).requested == "fr"
    assert negotiate(lang=None, accept_language=None, market_language=None, default="en",
                     supported=SUPPORTED) is None


@pytest.mark.parametrize("bad", ["", "p", "english", "pt-", "pt-BR-x", "12", "pt BR"])
def test_bad_tags_are_refused(bad):
    with pytest.raises(Unprocessable) as exc:
        negotiate(lang=bad, accept_language=None, market_language=None, default="en",
                  supported=SUPPORTED)
    assert exc.value.code == "bad_language"
