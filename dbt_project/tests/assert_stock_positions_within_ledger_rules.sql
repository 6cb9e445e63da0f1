{#- The OLTP never lets reserved go negative or above on_hand. A position breaking that
    means the warehouse misses part of the ledger (stock that predates the stock_moved
    events, or events not landed yet): a warning to look at, not a broken build. -#}
{{ config(severity='warn') }}

select position_date, sku_id, warehouse_id, on_hand, reserved
from {{ ref('fct_daily_stock_positions') }}
where reserved < 0 or on_hand < reserved
