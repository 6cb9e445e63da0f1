-- Credit lines per day and currency: applications decided that day, and every line's limit
-- and used (exposure) at the end of the day (definitions in _credit.yml).
with changes as (
    select
        line_id,
        currency,
        cast(changed_at as date) as change_date,
        limit_cents,
        used_cents,
        row_number() over (
            partition by line_id, cast(changed_at as date)
            order by changed_at desc, event_id desc
        ) as newest
    from {{ ref('stg_flywheel__credit_limit_changes') }}
),

-- each line's end-of-day state, valid until its next change
states as (
    select
        line_id,
        currency,
        change_date,
        lead(change_date) over (partition by line_id order by change_date) as next_change_date,
        limit_cents,
        used_cents
    from changes
    where newest = 1
),

applications as (
    select
        cast(decided_at as date) as decided_date,
        currency,
        sum(case when decision = 'approved' then 1 else 0 end) as approved,
        sum(case when decision = 'declined' then 1 else 0 end) as declined,
        sum(case when decision = 'approved' then limit_cents else 0 end) as approved_limit_cents
    from {{ ref('stg_flywheel__credit_applications') }}
    group by cast(decided_at as date), currency
),

span as (
    select min(first_date) as first_date, max(last_date) as last_date
    from (
        select min(change_date) as first_date, max(change_date) as last_date from states
        union all
        select min(decided_date), max(decided_date) from applications
    ) as bounds
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
),

currencies as (
    select distinct currency from states
    union
    select distinct currency from applications
),

positions as (
    select
        days.day,
        states.currency,
        count(*) as lines_open,
        sum(states.limit_cents) as limit_cents,
        sum(states.used_cents) as used_cents
    from days
    inner join states
        on states.change_date <= days.day
        and (states.next_change_date is null or states.next_change_date > days.day)
    group by days.day, states.currency
)

select
    days.day as line_date,
    currencies.currency,
    cast(coalesce(applications.approved, 0) as bigint) as applications_approved,
    cast(coalesce(applications.declined, 0) as bigint) as applications_declined,
    cast(coalesce(applications.approved_limit_cents, 0) as bigint) as approved_limit_cents,
    cast(coalesce(positions.lines_open, 0) as bigint) as lines,
    cast(coalesce(positions.limit_cents, 0) as bigint) as limit_cents,
    cast(coalesce(positions.used_cents, 0) as bigint) as used_cents,
    cast(
        case when coalesce(positions.limit_cents, 0) = 0 then null
             else cast(positions.used_cents as double) / cast(positions.limit_cents as double)
        end as double
    ) as utilisation
from days
cross join currencies
left join applications
    on applications.decided_date = days.day and applications.currency = currencies.currency
left join positions
    on positions.day = days.day and positions.currency = currencies.currency
