-- The BG/NBD and Gamma-Gamma fit behind fct_customer_lifetime_value, one row.
select
    cast(as_of_date as date) as as_of_date,
    cast(fit_status as {{ dbt.type_string() }}) as fit_status,
    cast(customers as bigint) as customers,
    cast(repeat_customers as bigint) as repeat_customers,
    cast(bgnbd_r as double) as bgnbd_r,
    cast(bgnbd_alpha as double) as bgnbd_alpha,
    cast(bgnbd_a as double) as bgnbd_a,
    cast(bgnbd_b as double) as bgnbd_b,
    cast(bgnbd_log_likelihood as double) as bgnbd_log_likelihood,
    cast(gamma_gamma_customers as bigint) as gamma_gamma_customers,
    cast(gamma_gamma_p as double) as gamma_gamma_p,
    cast(gamma_gamma_q as double) as gamma_gamma_q,
    cast(gamma_gamma_gamma as double) as gamma_gamma_gamma,
    cast(gamma_gamma_log_likelihood as double) as gamma_gamma_log_likelihood
from {{ ref('int_customers_clv_fit') }}
