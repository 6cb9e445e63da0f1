-- Points outstanding is never negative, and on the latest day it equals every member's
-- last balance_after summed: the flow adds up to the balances the API reported.
with latest as (
    select user_id, balance_after
    from (
        select
            user_id,
            balance_after,
            row_number() over (
                partition by user_id order by entry_seq desc
            ) as newest_first
        from {{ ref('stg_flywheel__points_entries') }}
    ) as ranked
    where newest_first = 1
),

last_day as (
    select points_outstanding
    from {{ ref('fct_points_daily') }}
    where activity_date = (select max(activity_date) from {{ ref('fct_points_daily') }})
)

select 'negative outstanding' as problem
from {{ ref('fct_points_daily') }}
where points_outstanding < 0
union all
select 'latest day differs from the balances' as problem
from last_day
where points_outstanding <> (select coalesce(sum(balance_after), 0) from latest)
