-- Every landed event, one row per event_id (see the deduplicated_landed_events macro).
-- Incremental by occurred_date: a run re-reads the landed events of the days
-- [run_from - lookback_days, run_to] and replaces those days, so an event landing up to
-- lookback_days late is counted in its own day and re-running a day gives the same rows.
-- Copies of one event share its occurred_at, so deduplicating within the window is
-- deduplicating overall. Without run_from (a full build) every day is rebuilt. A table,
-- not a view: every model over events reads it, and deduplicating ten million events once
-- per reader would be most of a build.
{{ config(
    materialized='incremental',
    **day_incremental_config('occurred_date'),
) }}

with deduplicated as (
    {{ deduplicated_landed_events(where=incremental_window_at("occurred_at")) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(schema_version as integer) as schema_version,
    cast(occurred_at as timestamp) as occurred_at,
    cast(occurred_at as date) as occurred_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
    cast(session_id as {{ dbt.type_string() }}) as session_id,
    cast(utm_source as {{ dbt.type_string() }}) as utm_source,
    cast(utm_medium as {{ dbt.type_string() }}) as utm_medium,
    cast(utm_campaign as {{ dbt.type_string() }}) as utm_campaign,
    cast(referrer as {{ dbt.type_string() }}) as referrer,
    cast(device as {{ dbt.type_string() }}) as device,
    cast(payload as {{ type_json() }}) as payload,
    {{ json_text('payload', 'product_id') }} as product_id,
    {{ json_text('payload', 'sku_id') }} as sku_id,
    {{ json_text('payload', 'order_id') }} as order_id,
    cast(_source_file as {{ dbt.type_string() }}) as source_file,
    cast(_ingested_at as timestamp) as ingested_at
from deduplicated
