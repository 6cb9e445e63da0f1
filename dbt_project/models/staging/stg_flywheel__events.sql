-- Every landed event, one row per event_id (see the deduplicated_events macro).
with deduplicated as (
    {{ deduplicated_events() }}
)

select
    cast(event_id as varchar) as event_id,
    cast(event_type as varchar) as event_type,
    cast(schema_version as integer) as schema_version,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as varchar) as user_id,
    cast(anonymous_id as varchar) as anonymous_id,
    cast(session_id as varchar) as session_id,
    cast(utm_source as varchar) as utm_source,
    cast(utm_medium as varchar) as utm_medium,
    cast(utm_campaign as varchar) as utm_campaign,
    cast(referrer as varchar) as referrer,
    cast(device as varchar) as device,
    cast(payload as json) as payload,
    json_extract_string(payload, '$.product_id') as product_id,
    json_extract_string(payload, '$.sku_id') as sku_id,
    json_extract_string(payload, '$.order_id') as order_id,
    cast(_source_file as varchar) as source_file,
    cast(_ingested_at as timestamp) as ingested_at
from deduplicated
