-- role_granted and role_revoked events (access/service.py): the audit trail of who may do
-- what. user_id is the account whose roles changed, actor_id the admin who changed them;
-- merchant_id is set for merchant_staff grants only.
with events as (
    {{ deduplicated_events(['role_granted', 'role_revoked']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as changed_at,
    cast(occurred_at as date) as changed_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'role') }} as {{ dbt.type_string() }}) as role,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'actor_id') }} as {{ dbt.type_string() }}) as actor_id
from events
