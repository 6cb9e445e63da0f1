-- Historical and predicted customer lifetime value per buyer (definitions in _customers.yml).
with orders as (
    select * from {{ ref('int_customer_orders') }}
),

history as (
    select
        user_id,
        min(paid_date) as first_paid_date,
        max(paid_date) as last_paid_date,
        count(*) as paid_orders,
        sum(gmv_cents) as gmv_cents,
        sum(given_back_cents) as given_back_cents,
        sum(net_cents) as historical_clv_cents
    from orders
    group by user_id
),

fit as (
    select as_of_date, fit_status from {{ ref('int_customers_clv_fit') }}
)

select
    cast(history.user_id as {{ dbt.type_string() }}) as user_id,
    cast(fit.as_of_date as date) as as_of_date,
    cast(history.first_paid_date as date) as first_paid_date,
    cast(history.last_paid_date as date) as last_paid_date,
    cast(history.paid_orders as bigint) as paid_orders,
    cast(predicted.purchase_days as bigint) as purchase_days,
    cast(history.gmv_cents as bigint) as gmv_cents,
    cast(history.given_back_cents as bigint) as given_back_cents,
    cast(history.historical_clv_cents as bigint) as historical_clv_cents,
    cast(predicted.p_alive as double) as p_alive,
    cast(predicted.expected_purchases_12m as double) as expected_purchases_12m,
    cast(round(predicted.expected_spend_cents) as bigint) as expected_spend_cents,
    cast(predicted.predicted_clv_12m_cents as bigint) as predicted_clv_12m_cents,
    cast(fit.fit_status as {{ dbt.type_string() }}) as clv_model_status
from history
inner join {{ ref('int_customers_clv_predicted') }} as predicted
    on history.user_id = predicted.user_id
cross join fit
