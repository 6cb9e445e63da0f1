-- Every paid order's revenue split over its touches by each attribution model, in integer
-- cents that add up to the order's revenue exactly. Each model gives a touch integer weight
-- units; the touch's credit is floor(revenue * units / units of the order), and the cents
-- the floors leave go one each to the touches with the largest remainders (earliest touch
-- first on ties): the largest remainder method, as checkout shares discounts.
-- All models are computed side by side on one row per touch, then unpivoted to one row per
-- touch and model.
{%- set half_life = var('attribution_half_life_days', 7) %}
{%- set scale = 1000000 %}
{%- set models = attribution_models() %}
{#- first/last touch give one touch everything and linear splits evenly, so their cents
    are closed-form: revenue // n each and the first revenue % n touches one more. #}
{%- set ranked_models = ['position_based', 'time_decay', 'markov'] %}

with touches as (
    select * from {{ ref('int_attribution_touches') }}
),

-- the money is worked out on a narrow frame (windows carry every column they are given)
paths as (
    select
        order_id,
        touch_number,
        touches_in_path,
        revenue_cents,
        channel,
        days_before_conversion,
        min(days_before_conversion) over (partition by order_id) as freshest_days,
        count(*) over (partition by order_id, channel) as channel_touches_in_path
    from touches
),

effects as (
    select channel, removal_effect
    from {{ ref('int_attribution_removal_effects') }}
),

-- time decay: 2^(-days before conversion / half-life); markov: the channel's removal
-- effect over that channel's touches in the path
relative as (
    select
        paths.order_id,
        paths.touch_number,
        paths.touches_in_path,
        paths.revenue_cents,
        power(0.5, (paths.days_before_conversion - paths.freshest_days) / {{ half_life }})
            as decay_weight,
        coalesce(effects.removal_effect, 0) / paths.channel_touches_in_path as markov_weight
    from paths
    left join effects on effects.channel = paths.channel
),

scaled as (
    select
        *,
        max(markov_weight) over (partition by order_id) as markov_top
    from relative
),

weighted as (
    select
        *,
        cast(case when touch_number = 1 then 1 else 0 end
             as {{ dbt.type_bigint() }}) as units_first_touch,
        cast(case when touch_number = touches_in_path then 1 else 0 end
             as {{ dbt.type_bigint() }}) as units_last_touch,
        cast(1 as {{ dbt.type_bigint() }}) as units_linear,
        -- 40/20/40: ends 2(n-2) units each, middles 1 of 5(n-2); one touch 100%, two 50/50
        cast(case
            when touches_in_path <= 2 then 1
            when touch_number = 1 or touch_number = touches_in_path
                then 2 * (touches_in_path - 2)
            else 1 end as {{ dbt.type_bigint() }}) as units_position_based,
        -- decay and markov as {{ scale }} units for the path's largest weight (exact to
        -- 1e-6 of it); a path whose channels all have no removal effect is split linearly
        cast(greatest(1, round({{ scale }} * decay_weight)) as {{ dbt.type_bigint() }})
            as units_time_decay,
        cast(case when markov_top > 0 then round({{ scale }} * markov_weight / markov_top)
                  else 1 end as {{ dbt.type_bigint() }}) as units_markov
    from scaled
),

totalled as (
    select
        *
        {%- for m in ranked_models %},
        cast(sum(units_{{ m }}) over (partition by order_id) as {{ dbt.type_bigint() }})
            as path_units_{{ m }}
        {%- endfor %}
    from weighted
),

floored as (
    select
        *
        {%- for m in ranked_models %},
        {{ int_div('revenue_cents * units_' ~ m, 'path_units_' ~ m) }} as floor_{{ m }},
        (revenue_cents * units_{{ m }}) % path_units_{{ m }} as remainder_{{ m }}
        {%- endfor %}
    from totalled
),

ranked as (
    select
        *
        {%- for m in ranked_models %},
        revenue_cents - sum(floor_{{ m }}) over (partition by order_id) as left_{{ m }},
        row_number() over (
            partition by order_id order by remainder_{{ m }} desc, touch_number
        ) as rank_{{ m }}
        {%- endfor %}
    from floored
),

credited as (
    select
        ranked.*,
        cast(1 as {{ dbt.type_bigint() }}) as path_units_first_touch,
        cast(1 as {{ dbt.type_bigint() }}) as path_units_last_touch,
        touches_in_path as path_units_linear,
        revenue_cents * units_first_touch as cents_first_touch,
        revenue_cents * units_last_touch as cents_last_touch,
        {{ int_div('revenue_cents', 'touches_in_path') }}
            + case when touch_number <= revenue_cents % touches_in_path then 1 else 0 end
            as cents_linear
        {%- for m in ranked_models %},
        floor_{{ m }} + case when rank_{{ m }} <= left_{{ m }} then 1 else 0 end
            as cents_{{ m }}
        {%- endfor %}
    from ranked
),

unpivoted as (
    select
        touches.*,
        models.attribution_model,
        {%- for column in ['units', 'path_units', 'cents'] %}
        case models.attribution_model
            {%- for m in models %}
            when '{{ m }}' then {{ column }}_{{ m }}
            {%- endfor %}
        end as model_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from credited
    inner join touches
        on touches.order_id = credited.order_id
        and touches.touch_number = credited.touch_number
    cross join ({{ attribution_model_rows() }}) as models
)

select
    {{ dbt.concat(["order_id", "'|'", "cast(touch_number as " ~ dbt.type_string() ~ ")",
                   "'|'", "attribution_model"]) }} as attribution_key,
    order_id,
    touch_number,
    attribution_model,
    touches_in_path,
    user_id,
    session_key,
    touched_at,
    touch_date,
    converted_at,
    conversion_date,
    days_before_conversion,
    utm_source,
    utm_medium,
    utm_campaign,
    channel,
    currency,
    revenue_cents as order_revenue_cents,
    model_units as weight_units,
    model_path_units as path_units,
    cast(model_units as double) / model_path_units as credit_share,
    cast(model_cents as {{ dbt.type_bigint() }}) as attributed_revenue_cents
from unpivoted
