"""fct_translation_coverage built (DuckDB) from the coverage story played through the live
API: the hand-worked figures, and every row against the OLTP's texts and entities and
the API's own translation_changed events."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import duckdb
import pytest
from sqlalchemy import select

from tests.conftest import make_settings, run_api
from tests.translations import coverage_story as story
from tests.warehouse import engines
from transactional_api.catalog.models import Brand, Category, Product
from transactional_api.landing.models import LandingPage
from transactional_api.reach.models import Campaign
from transactional_api.translations.models import Translation

MART = "fct_translation_coverage"
COLUMNS = ("entity_type, lang, entities, translated_entities, translated_fields, "
           "recent_changes, recent_created, recent_updated, recent_deleted, coverage_share, "
           "recent_window_days, as_of_at")


@pytest.fixture(scope="module")
def played(tmp_path_factory, redis_server):
    """The story's API settings (its OLTP and lake), the story, and the OLTP's texts of
    live entities: (entity_type, lang) -> (live entities, translated entities, texts)."""
    var = tmp_path_factory.mktemp("translation-coverage")
    settings = make_settings(var / "api", redis_server.url, simulated_clock=True,
                             members_consumer_interval_seconds=0,
                             members_housekeeping_interval_seconds=0)
    server = run_api(settings)
    api = next(server)
    try:
        played_story = story.play(api)
        with api.sessions() as s:
            live = {
                "product": set(s.scalars(select(Product.id).where(Product.status != "delisted"))),
                "category": set(s.scalars(select(Category.id))),
                "brand": set(s.scalars(select(Brand.id))),
                "landing_page": set(s.scalars(select(LandingPage.id)
                                              .where(LandingPage.status != "archived"))),
                "message_template": set(s.scalars(select(Campaign.id)
                                                  .where(Campaign.status != "archived"))),
            }
            texts = s.execute(select(Translation.entity_type, Translation.entity_id,
                                     Translation.lang)).all()
    finally:
        server.close()
    oltp = {}
    for lang in {t.lang for t in texts}:
        for entity_type, ids in live.items():
            mine = [t.entity_id for t in texts
                    if (t.entity_type, t.lang) == (entity_type, lang) and t.entity_id in ids]
            oltp[(entity_type, lang)] = (len(ids), len(set(mine)), len(mine))
    return settings, played_story, oltp


def mart_rows(path) -> dict[tuple[str, str], tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(f"select {COLUMNS} from marts.{MART}").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_coverage_by_hand_against_the_oltp_and_the_events(played):
    settings, played_story, oltp = played
    engines.ingest(settings)
    got = mart_rows(engines.build(settings, "--select", f"+{MART}", *engines.CAUTIOUS))

    assert set(got) == set(story.EXPECTED)
    for key, expected in story.EXPECTED.items():
        assert got[key][:7] == expected, key
        entities, translated = expected[0], expected[1]
        assert got[key][7] == pytest.approx(translated / entities), key
    # the texts and entities in the OLTP now give the same coverage
    assert {k: v[:3] for k, v in got.items()} == oltp

    # the recent window: the changes the API emitted in the 30 days before the latest event
    records = played_story.records
    as_of = max(datetime.fromisoformat(r["occurred_at"]) for r in records)
    window_days, mart_as_of = got[("product", "es")][8:]
    assert window_days == 30
    assert mart_as_of == as_of.replace(tzinfo=None)
    recent = Counter()
    for r in records:
        at = datetime.fromisoformat(r["occurred_at"])
        if r["event_type"] == "translation_changed" and at > as_of - timedelta(days=30):
            recent[(r["payload"]["entity_type"], r["payload"]["lang"])] += 1
    assert {k: v[3] for k, v in got.items() if v[3]} == dict(recent)
    # the 40-day-old text was emitted, just outside the window
    old = [r for r in records if r["event_type"] == "translation_changed"
           and datetime.fromisoformat(r["occurred_at"]) <= as_of - timedelta(days=30)]
    assert [(r["payload"]["entity_id"], r["payload"]["lang"]) for r in old] == [
        (played_story.ids["P2"], "pt-BR")]
