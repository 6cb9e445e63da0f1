{# The money a day keeps after it gave some back, and two ratios of it: one definition for
   fct_daily_revenue and its by-channel split (both have paid_orders, gmv_cents,
   points_paid_cents, refunded_cents and cancelled_after_payment_cents in scope). Net
   revenue is money: GMV less the part paid with points, less what was given back. #}
{% macro net_revenue_columns() %}
    cast(gmv_cents - points_paid_cents - refunded_cents - cancelled_after_payment_cents
         as bigint) as net_revenue_cents,
    cast(
        case when paid_orders > 0 then round(cast(gmv_cents as double) / paid_orders) end
        as bigint
    ) as aov_cents,
    cast(
        case when gmv_cents > 0
            then cast(refunded_cents + cancelled_after_payment_cents as double) / gmv_cents
        end
        as double
    ) as refund_rate
{%- endmacro %}
