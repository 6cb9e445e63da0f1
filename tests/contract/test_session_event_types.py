"""Every contract event type is placed: it builds sessions, or it never does.

int_events_sessionized keeps only var('session_event_types'). A new event type that nobody
placed would silently be dropped from sessions (if shopper behaviour) or, with a deny list,
silently turn back-office work into sessions; so a type in neither list fails here.
"""

from pathlib import Path

import yaml

from transactional_api.events.catalog_events import CATALOG_EVENTS
from transactional_api.events.contract import ALL_EVENTS, BEHAVIOUR_EVENTS

DBT_PROJECT_YML = Path(__file__).resolve().parents[2] / "dbt_project/dbt_project.yml"


def _vars() -> dict[str, list[str]]:
    return yaml.safe_load(DBT_PROJECT_YML.read_text(encoding="utf-8"))["vars"]


def test_every_event_type_is_placed_exactly_once():
    session, other = _vars()["session_event_types"], _vars()["non_session_event_types"]
    assert len(session) == len(set(session)) and len(other) == len(set(other))
    assert not set(session) & set(other), "placed in both lists"
    assert set(session) | set(other) == set(ALL_EVENTS), (
        f"unplaced: {sorted(set(ALL_EVENTS) - set(session) - set(other))}; "
        f"unknown: {sorted((set(session) | set(other)) - set(ALL_EVENTS))}"
    )


def test_shopper_behaviour_builds_sessions_and_catalog_events_do_not():
    session = set(_vars()["session_event_types"])
    assert set(BEHAVIOUR_EVENTS) <= session
    assert not set(CATALOG_EVENTS) & session
