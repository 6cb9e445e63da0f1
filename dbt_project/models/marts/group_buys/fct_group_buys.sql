-- One row per group: its offer and SKU, size, how many real members paid, its state, how
-- long it took to form, GMV at the group price and the group discount it cost.
with events as (
    select * from {{ ref('stg_flywheel__group_buy_events') }}
),

opened as (
    select group_id, offer_id, sku_id, user_id as leader_user_id, group_size, currency,
        list_price_cents, group_price_cents, occurred_at as opened_at
    from events
    where group_event = 'opened'
),

joined as (
    select group_id, count(*) as joins
    from events
    where group_event = 'joined'
    group by group_id
),

ended as (
    -- a group forms or fails once; the first event wins should a replay land twice
    select group_id, group_event, occurred_at, paid_members, virtual_members,
        refunded_members, refunded_cents,
        row_number() over (partition by group_id order by occurred_at, event_id) as rn
    from events
    where group_event in ('formed', 'failed')
)

select
    cast(opened.group_id as {{ dbt.type_string() }}) as group_id,
    cast(opened.offer_id as {{ dbt.type_string() }}) as offer_id,
    cast(opened.sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(opened.leader_user_id as {{ dbt.type_string() }}) as leader_user_id,
    cast(opened.group_size as bigint) as group_size,
    cast(opened.currency as {{ dbt.type_string() }}) as currency,
    cast(opened.list_price_cents as bigint) as list_price_cents,
    cast(opened.group_price_cents as bigint) as group_price_cents,
    cast(opened.opened_at as timestamp) as opened_at,
    cast(coalesce(ended.group_event, 'open') as {{ dbt.type_string() }}) as state,
    cast(1 + coalesce(joined.joins, 0) as bigint) as seats_taken_ever,
    cast(case
        when ended.group_event = 'formed' then ended.paid_members
        when ended.group_event = 'failed' then ended.refunded_members
        else 0
    end as bigint) as members,
    cast(coalesce(ended.virtual_members, 0) as bigint) as virtual_members,
    cast(case when ended.group_event = 'formed' then ended.occurred_at end as timestamp)
        as formed_at,
    cast(case when ended.group_event = 'formed'
        -- whole seconds, floored: engines round a double cast to bigint differently
        then floor({{ seconds_between('opened.opened_at', 'ended.occurred_at') }})
    end as bigint) as seconds_to_form,
    cast(case when ended.group_event = 'formed'
        then ended.paid_members * opened.group_price_cents else 0
    end as bigint) as gmv_cents,
    cast(case when ended.group_event = 'formed'
        then ended.paid_members * (opened.list_price_cents - opened.group_price_cents)
        else 0
    end as bigint) as group_discount_cents,
    cast(coalesce(ended.refunded_cents, 0) as bigint) as refunded_cents
from opened
left join joined on joined.group_id = opened.group_id
left join ended on ended.group_id = opened.group_id and ended.rn = 1
