-- coupon_template_changed events: one row per version or status move of a coupon
-- template. merchant_id NULL: the platform funds it.
with events as (
    {{ deduplicated_events(['coupon_template_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'template_id') }} as {{ dbt.type_string() }}) as template_id,
    cast({{ json_text('payload', 'name') }} as {{ dbt.type_string() }}) as template_name,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as kind,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'campaign') }} as {{ dbt.type_string() }}) as campaign,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as status,
    cast({{ json_text('payload', 'previous_status') }} as {{ dbt.type_string() }})
        as previous_status,
    cast({{ json_text('payload', 'total_limit') }} as bigint) as total_limit,
    cast({{ json_text('payload', 'per_user_limit') }} as bigint) as per_user_limit,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'version') }} as bigint) as version
from events
