-- points_earned, points_spent, points_expired, points_reversed and points_refunded events:
-- one row of a member's points ledger each, entry_seq its place in that ledger (1, 2, ...).
-- points is the magnitude; signed_points adds for earned and refunded (spent points given
-- back) and takes for the others, so summing it per member gives the balance.
with events as (
    {{ deduplicated_events(['points_earned', 'points_spent', 'points_expired',
                            'points_reversed', 'points_refunded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as recorded_at,
    cast(occurred_at as date) as recorded_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'seq') }} as bigint) as entry_seq,
    cast({{ json_text('payload', 'points') }} as bigint) as points,
    cast(
        case
            when event_type in ('points_earned', 'points_refunded')
                then cast({{ json_text('payload', 'points') }} as bigint)
            else -cast({{ json_text('payload', 'points') }} as bigint)
        end as bigint
    ) as signed_points,
    cast({{ json_text('payload', 'balance_after') }} as bigint) as balance_after,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'source_event_id') }} as {{ dbt.type_string() }})
        as source_event_id
from events
