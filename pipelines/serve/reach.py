"""Audience campaigns after each publish: the users who entered an active audience
campaign's audience (automatic tags just published to Redis) get its message once per stay.
The rules, the once-only keys and the sends are the API's (transactional_api/reach); this
asset only calls them at the time the features become visible."""

from datetime import UTC, datetime

import dagster as dg
from sqlalchemy import inspect

from pipelines.resources import RedisResource
from pipelines.serve.anomaly_alerts import oltp_sessions
from transactional_api.core.db import transaction
from transactional_api.reach.triggers import run_audience_campaigns


@dg.asset(
    group_name="serve",
    # redis: audiences read the published tags (and --skip-features leaves it out)
    kinds={"sqlite", "redis"},
    deps=["published_features", "recommendation_bundle"],  # the bundle publishes high_intent
    description="Audience reach campaigns run against the audiences as of the published "
    "automatic tags (each user messaged once per entry into the audience).",
)
def reach_audience_campaigns(context: dg.AssetExecutionContext, redis_store: RedisResource):
    client = redis_store.client()
    try:
        with oltp_sessions() as sessions:
            with sessions() as probe:
                if not inspect(probe.get_bind()).has_table("reach_campaigns"):
                    # the API migrates the OLTP; one that has not started since has no reach
                    context.log.info("the OLTP has no reach tables yet: nothing to run")
                    return dg.MaterializeResult(metadata={"messages": 0})
            with transaction(sessions) as session:
                sent = run_audience_campaigns(session, client, datetime.now(UTC))
    finally:
        client.close()
    context.log.info(f"audience campaigns created {sent} messages")
    return dg.MaterializeResult(metadata={"messages": sent})
