"""A second language for the demo: Portuguese (pt-BR) texts for the catalog's categories
and some of its products, then a few shoppers who choose pt-BR, browse and search in
Portuguese (Accept-Language: pt-BR), so the coverage mart and the search log have a
second language to show. Words outside the small glossary stay as they are (a shop's
translators would do better); a product is given a text only when a word changed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from transactional_api.simulator.client import ApiClient, ApiError

LANG = "pt-BR"
CATALOG_TEXTS = "/v1/admin/translations/catalog/bulk"
GLOSSARY = {
    "bed": "cama", "bath": "banho", "table": "mesa", "health": "saúde", "beauty": "beleza",
    "sports": "esporte", "leisure": "lazer", "furniture": "móveis", "decor": "decoração",
    "housewares": "utilidades domésticas", "watches": "relógios", "gifts": "presentes",
    "computers": "informática", "accessories": "acessórios", "toys": "brinquedos",
    "telephony": "telefonia", "auto": "automotivo", "garden": "jardim", "tools": "ferramentas",
    "books": "livros", "baby": "bebês", "perfumery": "perfumaria", "electronics": "eletrônicos",
    "fashion": "moda", "shoes": "calçados", "kitchen": "cozinha", "food": "alimentos",
    "drinks": "bebidas", "pet": "pet", "shop": "loja", "office": "escritório", "home": "casa",
    "set": "conjunto", "kit": "kit", "pack": "pacote", "classic": "clássico",
    "compact": "compacto", "premium": "premium", "modern": "moderno", "natural": "natural",
    "lightweight": "leve", "sturdy": "resistente", "everyday": "do dia a dia",
    "collection": "coleção", "selection": "seleção", "piece": "peça", "edition": "edição",
    "product": "produto", "general": "geral", "cotton": "algodão", "soft": "macio",
}
_WORD = re.compile(r"[A-Za-z]+")


def to_portuguese(text: str) -> str | None:
    """The text with glossary words replaced; None when no word was known."""
    hits = 0

    def swap(m: re.Match) -> str:
        nonlocal hits
        word = GLOSSARY.get(m.group(0).lower())
        if word is None:
            return m.group(0)
        hits += 1
        return word.capitalize() if m.group(0)[0].isupper() else word

    out = _WORD.sub(swap, text)
    return out if hits else None


@dataclass
class LanguageOutcome:
    category_texts: int = 0
    product_texts: int = 0
    shoppers: int = 0
    browses: int = 0
    searches: int = 0
    search_hits: int = 0


def _put(client: ApiClient, admin_token: str, clock: datetime, items: list[dict]) -> int:
    done = 0
    for start in range(0, len(items), 500):
        body = client.request("PUT", CATALOG_TEXTS, token=admin_token, clock=clock,
                              json={"items": items[start:start + 500]})
        done += body["created"] + body["updated"]
    return done


def run_second_language(client: ApiClient, *, admin_token: str, clock: datetime,
                        shopper_tokens: list[str], seed: int = 0, products: int = 200,
                        searches_per_shopper: int = 3) -> LanguageOutcome:
    """Portuguese texts for every category and up to ``products`` products, then each of
    shopper_tokens picks pt-BR, browses a page of products and searches Portuguese words.
    A refused call (the translations routes absent: 404) ends the play quietly."""
    rng = random.Random(f"translations:{seed}")
    out = LanguageOutcome()
    try:
        cats = client.get("/v1/categories", clock=clock)["items"]
        items = [{"entity_type": "category", "entity_id": c["id"], "field": "name",
                  "lang": LANG, "text": pt} for c in cats if (pt := to_portuguese(c["name"]))]
        out.category_texts = _put(client, admin_token, clock, items)
        listing = client.get("/v1/products", clock=clock, params={"limit": 100})["items"]
        chosen = rng.sample(listing, min(products, len(listing)))
        items = [{"entity_type": "product", "entity_id": p["id"], "field": "name",
                  "lang": LANG, "text": pt[:200]} for p in chosen
                 if (pt := to_portuguese(p["name"]))]
        out.product_texts = _put(client, admin_token, clock, items)
    except ApiError as exc:
        if exc.status >= 500:
            raise
        return out
    words = sorted({w for i in items for w in i["text"].lower().split()
                    if len(w) > 3 and w in GLOSSARY.values()}) or ["produto"]
    header = {"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"}
    for n, token in enumerate(shopper_tokens):
        at = clock + timedelta(minutes=5 + n)
        try:
            client.request("PUT", "/v1/me/language", token=token, clock=at,
                           json={"lang": LANG})
            client.get("/v1/products", token=token, clock=at, headers=header,
                       params={"limit": 20})
            out.browses += 1
            for _ in range(searches_per_shopper):
                found = client.get("/v1/search", token=token, clock=at, headers=header,
                                   params={"q": rng.choice(words), "limit": 10})
                out.searches += 1
                out.search_hits += found["total"] > 0
        except ApiError as exc:
            if exc.status >= 500:
                raise
            continue
        out.shoppers += 1
    return out
