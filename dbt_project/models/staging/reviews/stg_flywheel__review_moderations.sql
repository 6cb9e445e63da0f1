-- Operators' decisions on reviews, one row per review_moderated event: moderator_id is the
-- envelope's user_id, author_id the review's writer.
with events as (
    {{ deduplicated_events(['review_moderated']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as moderated_at,
    cast(user_id as {{ dbt.type_string() }}) as moderator_id,
    cast({{ json_text('payload', 'review_id') }} as {{ dbt.type_string() }}) as review_id,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'author_id') }} as {{ dbt.type_string() }}) as author_id,
    cast({{ json_text('payload', 'rating') }} as bigint) as rating,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
