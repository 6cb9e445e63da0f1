-- Ledger movements summed per SKU, location and UTC day. A ledger row counts once even if it
-- reached the lake under two event_ids (the earliest event of a movement_id wins); the same
-- event_id delivered twice is already gone in staging.
with movements as (
    select
        *,
        row_number() over (
            partition by movement_id order by moved_at, event_id
        ) as emission_rank
    from {{ ref('stg_flywheel__stock_movements') }}
),

ledger as (
    select * from movements where emission_rank = 1
)

select
    sku_id,
    warehouse_id,
    cast(moved_at as date) as movement_date,
    cast(sum(on_hand_delta) as bigint) as on_hand_delta,
    cast(sum(reserved_delta) as bigint) as reserved_delta,
    cast(sum(case when on_hand_delta > 0 then on_hand_delta else 0 end) as bigint) as units_in,
    cast(sum(case when on_hand_delta < 0 then -on_hand_delta else 0 end) as bigint) as units_out,
    cast(sum(case when reason = 'deducted' then -on_hand_delta else 0 end) as bigint)
        as units_deducted,
    cast(sum(case when reason = 'reserved' then reserved_delta else 0 end) as bigint)
        as units_reserved,
    cast(sum(case when reason = 'released' then -reserved_delta else 0 end) as bigint)
        as units_released,
    cast(sum(case when reason = 'expired' then -reserved_delta else 0 end) as bigint)
        as units_expired,
    cast(count(*) as bigint) as movements
from ledger
group by sku_id, warehouse_id, cast(moved_at as date)
