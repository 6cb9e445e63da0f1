-- Group-buy events (transactional_api/events/group_buy_events.py): one row per event_id,
-- group_event naming which; columns a type does not carry are null.
with events as (
    {{ deduplicated_events(['group_buy_offer_created', 'group_opened', 'group_joined',
                            'group_formed', 'group_failed', 'group_share_created']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'group_buy_offer_created' then 'offer_created'
            when 'group_opened' then 'opened'
            when 'group_joined' then 'joined'
            when 'group_formed' then 'formed'
            when 'group_failed' then 'failed'
            when 'group_share_created' then 'share_created'
        end as {{ dbt.type_string() }}
    ) as group_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'offer_id') }} as {{ dbt.type_string() }}) as offer_id,
    cast({{ json_text('payload', 'group_id') }} as {{ dbt.type_string() }}) as group_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'share_id') }} as {{ dbt.type_string() }}) as share_id,
    cast({{ json_text('payload', 'leader_user_id') }} as {{ dbt.type_string() }})
        as leader_user_id,
    cast({{ json_text('payload', 'inviter_user_id') }} as {{ dbt.type_string() }})
        as inviter_user_id,
    case when {{ json_text('payload', 'new_user') }} = 'true' then 1 else 0 end as new_user,
    cast({{ json_text('payload', 'group_size') }} as bigint) as group_size,
    cast({{ json_text('payload', 'paid_members') }} as bigint) as paid_members,
    cast({{ json_text('payload', 'virtual_members') }} as bigint) as virtual_members,
    cast({{ json_text('payload', 'refunded_members') }} as bigint) as refunded_members,
    cast({{ json_text('payload', 'refunded_cents') }} as bigint) as refunded_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'list_price_cents') }} as bigint) as list_price_cents,
    cast({{ json_text('payload', 'group_price_cents') }} as bigint) as group_price_cents
from events
