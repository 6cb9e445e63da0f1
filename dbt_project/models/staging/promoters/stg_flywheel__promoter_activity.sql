-- buyer_bound and commission_* events (transactional_api/promoters): one row per event_id,
-- activity saying which. promoter_id is the promoter the row is about; on bindings user_id
-- is the buyer, on commissions the promoter's user.
with events as (
    {{ deduplicated_events(['buyer_bound', 'commission_accrued', 'commission_held',
                            'commission_reversed', 'commission_matured']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'buyer_bound' then 'bound'
            when 'commission_accrued' then 'accrued'
            when 'commission_held' then 'held'
            when 'commission_reversed' then 'reversed'
            when 'commission_matured' then 'matured'
        end as {{ dbt.type_string() }}
    ) as activity,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'promoter_id') }} as {{ dbt.type_string() }}) as promoter_id,
    cast({{ json_text('payload', 'buyer_id') }} as {{ dbt.type_string() }}) as buyer_id,
    cast({{ json_text('payload', 'commission_id') }} as {{ dbt.type_string() }})
        as commission_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'level') }} as integer) as commission_level,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'hold_reason') }} as {{ dbt.type_string() }}) as hold_reason,
    cast({{ json_text('payload', 'risk_reason') }} as {{ dbt.type_string() }}) as risk_reason
from events
