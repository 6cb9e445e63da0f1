-- Each promotion as it stands now: its latest promotion_changed event (highest version,
-- then latest time), with when it was created and last changed.
with changes as (
    select
        *,
        row_number() over (
            partition by promotion_id order by version desc, changed_at desc, event_id desc
        ) as _recency,
        min(changed_at) over (partition by promotion_id) as created_at
    from {{ ref('stg_flywheel__promotion_changes') }}
)

select
    promotion_id,
    promotion_name,
    kind,
    merchant_id,
    cast(coalesce(merchant_id, 'platform') as {{ dbt.type_string() }}) as funded_by,
    campaign,
    status,
    budget_cents,
    currency,
    version,
    created_at,
    changed_at as updated_at
from changes
where _recency = 1
