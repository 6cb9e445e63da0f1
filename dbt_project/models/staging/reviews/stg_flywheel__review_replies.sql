-- The shop's answers to published reviews, one row per review_replied event: replier_id is
-- the envelope's user_id.
with events as (
    {{ deduplicated_events(['review_replied']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as replied_at,
    cast(user_id as {{ dbt.type_string() }}) as replier_id,
    cast({{ json_text('payload', 'review_id') }} as {{ dbt.type_string() }}) as review_id,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'author_id') }} as {{ dbt.type_string() }}) as author_id,
    cast({{ json_text('payload', 'text_length') }} as bigint) as text_length
from events
