{#- Helpers of the session and funnel models (models/intermediate/sessions, marts/behaviour). -#}

{#- The funnel's steps, in order. -#}
{% macro funnel_steps() -%}
    {{ return(['product_view', 'add_to_cart', 'checkout_started', 'order_created', 'order_paid']) }}
{%- endmacro %}


{#- The steps as an inline table (step_order, step), for a cross join. -#}
{% macro funnel_steps_table() -%}
    {%- for step in funnel_steps() %}
    select {{ loop.index }} as step_order, '{{ step }}' as step
    {{- " union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- Which events an incremental sessionisation reads (a SQL boolean on the event time):
    from session_inactivity_minutes before the window's first day, so the first session of
    the window knows whether it continues one from the day before (then it belongs to that
    day and is left alone), to the end of run_to plus the longest session and one more gap,
    so a session starting on run_to is seen whole or seen to be too long. True on full
    builds. -#}
{% macro session_read_window(column) -%}
    {%- if is_incremental() and run_window() is not none -%}
        {%- set gap = var('session_inactivity_minutes', 30) | int -%}
        {%- set max_minutes = (var('session_max_hours', 24) | int) * 60 -%}
        {%- set run_to = "cast(" ~ window_end() ~ " as timestamp)" -%}
        {{ column }} >= {{ dbt.dateadd('minute', -1 * gap, 'cast(' ~ window_start() ~ ' as timestamp)') }}
        and {{ column }} < {{ dbt.dateadd('minute', 24 * 60 + max_minutes + gap, run_to) }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The host of a referrer URL, lower case and without a leading "www.". -#}
{% macro referrer_host(column) -%}
    regexp_replace(
        lower(regexp_extract({{ column }}, '^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?([^/:?#]+)', 1)),
        '^www[.]', ''
    )
{%- endmacro %}


{#- GA4's default channel group, reduced to the mediums this shop's links use, from a
    session's source and medium (after the (direct) / referral defaults were applied). -#}
{% macro channel_group(source, medium) -%}
    case
        when {{ source }} = '(direct)' then 'Direct'
        when lower({{ medium }}) in ('cpc', 'ppc', 'paid_search', 'paidsearch', 'retargeting')
            then 'Paid Search'
        when lower({{ medium }}) in ('paid_social', 'paidsocial', 'social_paid', 'paid-social')
            then 'Paid Social'
        when lower({{ medium }}) in ('email', 'e-mail', 'e_mail', 'newsletter') then 'Email'
        when lower({{ medium }}) = 'organic' then 'Organic Search'
        when lower({{ medium }}) in ('social', 'social-network', 'social-media', 'sm')
            then 'Organic Social'
        when lower({{ medium }}) in ('display', 'banner', 'cpm') then 'Display'
        when lower({{ medium }}) = 'affiliate' then 'Affiliates'
        when lower({{ medium }}) = 'referral' then 'Referral'
        else 'Unassigned'
    end
{%- endmacro %}


{#- The last non-NULL value of expr in a window frame: `{{ last_non_null('x') }} over (...)`. -#}
{% macro last_non_null(expr) -%}
    {{ return(adapter.dispatch('last_non_null')(expr)) }}
{%- endmacro %}

{% macro default__last_non_null(expr) -%}
    last_value({{ expr }}, true)
{%- endmacro %}

{% macro duckdb__last_non_null(expr) -%}
    last_value({{ expr }} ignore nulls)
{%- endmacro %}


{#- Sequential funnel (PostHog / Amplitude "sequential" order): CTEs reached_2 ..
    reached_<n>, one row per anchor that reached that step, with its time reached_at.
    Step 1 is the anchor's own time; step k is the first event of step k at or after the
    time step k-1 was reached (so equal timestamps count in step order), within the same
    partition and, when the anchors carry a window_end_at, no later than that.
    anchors: anchor_key, <partition>, step_1_at[, window_end_at];
    events: <partition>, event_type, occurred_at. Follow with a comma-free select. -#}
{% macro sequential_funnel_ctes(anchors, events, partition, bounded=false) -%}
    {%- set steps = funnel_steps() -%}
    reached_1 as (
        select anchor_key, {{ partition }}, step_1_at as reached_at
            {%- if bounded %}, window_end_at{% endif %}
        from {{ anchors }}
        where step_1_at is not null
    ),
    {%- for step in steps[1:] %}
    {%- set k = loop.index + 1 %}
    reached_{{ k }} as (
        select
            previous.anchor_key,
            previous.{{ partition }},
            min(later.occurred_at) as reached_at
            {%- if bounded %}, previous.window_end_at{% endif %}
        from reached_{{ k - 1 }} as previous
        inner join {{ events }} as later
            on later.{{ partition }} = previous.{{ partition }}
            and later.event_type = '{{ step }}'
            and later.occurred_at >= previous.reached_at
            {%- if bounded %}
            and later.occurred_at <= previous.window_end_at
            {%- endif %}
        group by previous.anchor_key, previous.{{ partition }}
            {%- if bounded %}, previous.window_end_at{% endif %}
    ){{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- In an aggregate: value on the row where order is least (greatest for value_at_max), rows
    with a NULL order skipped, a NULL value kept. One pass, no join back to the rows. -#}
{% macro value_at_min(value, order) -%}
    {{ return(adapter.dispatch('value_at_min')(value, order)) }}
{%- endmacro %}

{% macro default__value_at_min(value, order) -%}
    min_by({{ value }}, {{ order }})
{%- endmacro %}

{% macro duckdb__value_at_min(value, order) -%}
    arg_min_null({{ value }}, {{ order }})
{%- endmacro %}

{% macro value_at_max(value, order) -%}
    {{ return(adapter.dispatch('value_at_max')(value, order)) }}
{%- endmacro %}

{% macro default__value_at_max(value, order) -%}
    max_by({{ value }}, {{ order }})
{%- endmacro %}

{% macro duckdb__value_at_max(value, order) -%}
    arg_max_null({{ value }}, {{ order }})
{%- endmacro %}
