-- The shop's answers withdrawn, one row per review_reply_deleted event: deleter_id is the
-- envelope's user_id (merchant staff).
with events as (
    {{ deduplicated_events(['review_reply_deleted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as deleted_at,
    cast(user_id as {{ dbt.type_string() }}) as deleter_id,
    cast({{ json_text('payload', 'review_id') }} as {{ dbt.type_string() }}) as review_id,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'author_id') }} as {{ dbt.type_string() }}) as author_id
from events
