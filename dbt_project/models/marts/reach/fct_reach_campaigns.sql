-- Each reach campaign's sends per UTC day and what came of them: opens and clicks of
-- those sends (whenever they happened), and conversions: recipients with a paid order in
-- (sent_at, sent_at + reach_attribution_days] after a send of that day.
{% set window_days = var('reach_attribution_days') %}

with messages as (
    select * from {{ ref('stg_flywheel__reach_messages') }}
),

sends as (
    select
        message_id,
        campaign_id,
        user_id,
        channel,
        trigger_kind,
        sent_at,
        cast(sent_at as date) as send_date
    from messages
    where message_event = 'sent'
),

reactions as (
    select
        message_id,
        max(case when message_event = 'opened' then 1 else 0 end) as opened,
        max(case when message_event = 'clicked' then 1 else 0 end) as clicked
    from messages
    where message_event in ('opened', 'clicked')
    group by message_id
),

paid as (
    select order_id, user_id, occurred_at as paid_at, amount_cents, currency
    from {{ ref('stg_flywheel__payment_events') }}
    where payment_event = 'paid'
),

converted as (
    -- an order counts once per campaign and day, however many of that day's sends it follows
    select distinct
        sends.campaign_id,
        sends.send_date,
        sends.user_id,
        paid.order_id,
        paid.amount_cents,
        paid.currency
    from sends
    inner join paid
        on paid.user_id = sends.user_id
        and paid.paid_at > sends.sent_at
        and paid.paid_at <= {{ dbt.dateadd('day', window_days, 'sends.sent_at') }}
),

conversions as (
    select
        campaign_id,
        send_date,
        count(distinct user_id) as conversions,
        sum(case when currency = '{{ var("reach_currency") }}' then amount_cents else 0 end)
            as conversion_revenue_cents
    from converted
    group by campaign_id, send_date
),

daily as (
    select
        sends.campaign_id,
        sends.send_date,
        max(sends.channel) as channel,
        max(sends.trigger_kind) as trigger_kind,
        count(*) as sends,
        count(distinct sends.user_id) as unique_recipients,
        sum(coalesce(reactions.opened, 0)) as opens,
        sum(coalesce(reactions.clicked, 0)) as clicks
    from sends
    left join reactions on reactions.message_id = sends.message_id
    group by sends.campaign_id, sends.send_date
),

named as (
    select campaign_id, campaign_name
    from (
        select
            campaign_id,
            campaign_name,
            row_number() over (
                partition by campaign_id order by changed_at desc, event_id desc
            ) as rank_latest
        from {{ ref('stg_flywheel__reach_campaign_changes') }}
    ) ranked
    where rank_latest = 1
)

select
    cast(daily.campaign_id as {{ dbt.type_string() }}) as campaign_id,
    cast(daily.send_date as date) as send_date,
    cast(coalesce(named.campaign_name, daily.campaign_id) as {{ dbt.type_string() }})
        as campaign_name,
    cast(daily.channel as {{ dbt.type_string() }}) as channel,
    cast(daily.trigger_kind as {{ dbt.type_string() }}) as trigger_kind,
    cast(daily.sends as bigint) as sends,
    cast(daily.unique_recipients as bigint) as unique_recipients,
    cast(daily.opens as bigint) as opens,
    cast(daily.clicks as bigint) as clicks,
    cast(coalesce(conversions.conversions, 0) as bigint) as conversions,
    cast(coalesce(conversions.conversion_revenue_cents, 0) as bigint)
        as conversion_revenue_cents,
    cast('{{ var("reach_currency") }}' as {{ dbt.type_string() }}) as currency,
    cast({{ window_days }} as integer) as attribution_days
from daily
left join conversions
    on conversions.campaign_id = daily.campaign_id
    and conversions.send_date = daily.send_date
left join named on named.campaign_id = daily.campaign_id
