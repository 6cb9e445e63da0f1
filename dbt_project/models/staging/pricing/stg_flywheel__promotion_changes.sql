-- promotion_changed events (transactional_api/events/pricing_events.py): one row per
-- version or status move of a promotion. merchant_id NULL: the platform funds it.
with events as (
    {{ deduplicated_events(['promotion_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'promotion_id') }} as {{ dbt.type_string() }}) as promotion_id,
    cast({{ json_text('payload', 'name') }} as {{ dbt.type_string() }}) as promotion_name,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as kind,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'campaign') }} as {{ dbt.type_string() }}) as campaign,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as status,
    cast({{ json_text('payload', 'previous_status') }} as {{ dbt.type_string() }})
        as previous_status,
    cast({{ json_text('payload', 'budget_cents') }} as bigint) as budget_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'version') }} as bigint) as version
from events
