with sessions as (
    select * from {{ ref('int_sessions_aggregated') }}
),

steps as (
    select * from (
        values
            (1, 'product_view'),
            (2, 'add_to_cart'),
            (3, 'checkout_started'),
            (4, 'order_created'),
            (5, 'order_paid')
    ) as steps (step_order, step)
),

days as (
    select distinct session_date from sessions
)

-- Every (day, step) pair is present, with 0 when no session got that far.
select
    days.session_date,
    cast(steps.step_order as integer) as step_order,
    cast(steps.step as {{ dbt.type_string() }}) as step,
    cast(count(sessions.session_key) as bigint) as sessions
from days
cross join steps
left join sessions
    on sessions.session_date = days.session_date
    and case steps.step
        when 'product_view' then sessions.reached_product_view
        when 'add_to_cart' then sessions.reached_add_to_cart
        when 'checkout_started' then sessions.reached_checkout_started
        when 'order_created' then sessions.reached_order_created
        when 'order_paid' then sessions.reached_order_paid
    end
group by days.session_date, steps.step_order, steps.step
