-- The cost each (campaign, source, medium, day) has now: its highest revision, unless that
-- revision withdrew it.
with ranked as (
    select
        *,
        row_number() over (
            partition by utm_campaign, utm_source, utm_medium, cost_date
            order by revision desc, changed_at desc, event_id desc
        ) as revision_rank
    from {{ ref('stg_flywheel__campaign_cost_changes') }}
)

select
    cost_id,
    utm_campaign,
    utm_source,
    utm_medium,
    {{ channel_label('utm_source', 'utm_medium') }} as channel,
    cost_date,
    amount_cents,
    currency,
    revision,
    changed_at as last_changed_at
from ranked
where revision_rank = 1 and not is_deletion
