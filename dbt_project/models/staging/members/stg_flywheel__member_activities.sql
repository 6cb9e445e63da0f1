-- sign_in_rewarded, product_shared and birthday_rewarded events (members/activity.py): one
-- row per event, the member in user_id. A sign-in row is the member's first sign-in of its
-- UTC day (activity_date); a share row is every share, rewarded or past the day's limit.
with events as (
    {{ deduplicated_events(['sign_in_rewarded', 'product_shared', 'birthday_rewarded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as occurred_at,
    -- the sign-in's own UTC day from the payload; the event's day for the others
    case
        when event_type = 'sign_in_rewarded'
            then cast({{ json_text('payload', 'activity_date') }} as date)
        else cast(occurred_at as date)
    end as activity_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'points') }} as bigint) as points,
    cast({{ json_text('payload', 'growth') }} as bigint) as growth,
    cast({{ json_text('payload', 'streak') }} as bigint) as sign_in_streak,
    cast({{ json_text('payload', 'bonus_points') }} as bigint) as sign_in_bonus_points,
    cast({{ json_text('payload', 'share_id') }} as {{ dbt.type_string() }}) as share_id,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as share_channel,
    cast({{ json_text('payload', 'rewarded') }} as boolean) as share_rewarded,
    cast({{ json_text('payload', 'year') }} as integer) as birthday_year,
    cast({{ json_text('payload', 'level') }} as {{ dbt.type_string() }}) as birthday_level
from events
