-- campaign_cost_set and campaign_cost_deleted events: one row per change of a campaign cost
-- an operator entered (POST/PUT/DELETE /v1/admin/campaign-costs), with the cost's revision.
-- amount_cents is NULL on a deletion (previous_amount_cents holds what was withdrawn).
with events as (
    {{ deduplicated_events(['campaign_cost_set', 'campaign_cost_deleted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    event_type = 'campaign_cost_deleted' as is_deletion,
    cast(occurred_at as {{ dbt.type_timestamp() }}) as changed_at,
    cast({{ json_text('payload', 'cost_id') }} as {{ dbt.type_string() }}) as cost_id,
    cast({{ json_text('payload', 'campaign') }} as {{ dbt.type_string() }}) as utm_campaign,
    cast({{ json_text('payload', 'source') }} as {{ dbt.type_string() }}) as utm_source,
    cast({{ json_text('payload', 'medium') }} as {{ dbt.type_string() }}) as utm_medium,
    cast({{ json_text('payload', 'day') }} as date) as cost_date,
    cast({{ json_text('payload', 'amount_cents') }} as {{ dbt.type_bigint() }}) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'revision') }} as {{ dbt.type_bigint() }}) as revision,
    cast({{ json_text('payload', 'previous_amount_cents') }} as {{ dbt.type_bigint() }})
        as previous_amount_cents,
    cast(user_id as {{ dbt.type_string() }}) as actor_user_id
from events
