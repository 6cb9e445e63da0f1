-- Reviews as shoppers wrote them (transactional_api/reviews), one row per review_submitted
-- event: the author is the envelope's user_id; texts stay in the shop, only their length
-- travels.
with events as (
    {{ deduplicated_events(['review_submitted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as submitted_at,
    cast(user_id as {{ dbt.type_string() }}) as author_id,
    cast({{ json_text('payload', 'review_id') }} as {{ dbt.type_string() }}) as review_id,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'rating') }} as bigint) as rating,
    cast({{ json_text('payload', 'text_length') }} as bigint) as text_length,
    cast({{ json_text('payload', 'photo_count') }} as bigint) as photo_count
from events
