{#- Landed events, one row per event_id: what stg_flywheel__events is made of. Delivery
    is at-least-once, so the same event_id can be landed twice: the copy ingested first
    wins (ties broken by file name, so reruns pick the same row). Only the ids landed more
    than once are ranked (a plain row_number() subquery rather than QUALIFY keeps it
    runnable on Spark); ranking every event would cost a quarter of the model. `where` (a
    SQL boolean on raw.events' columns) narrows the events first: copies of one event share
    its occurred_at, so a window of time keeps or drops all of them. -#}
{% macro deduplicated_landed_events(where=none) %}
    with landed as (
        select * from {{ source('raw', 'events') }}
        {%- if where %}
        where {{ where }}
        {%- endif %}
    ),

    landed_twice as (
        select event_id from landed group by event_id having count(*) > 1
    ),

    ranked_copies as (
        select
            landed.*,
            row_number() over (
                partition by landed.event_id order by landed._ingested_at, landed._source_file
            ) as _delivery_rank
        from landed
        inner join landed_twice on landed.event_id = landed_twice.event_id
    )

    select landed.*, 1 as _delivery_rank
    from landed
    left join landed_twice on landed.event_id = landed_twice.event_id
    where landed_twice.event_id is null
    union all
    select * from ranked_copies where _delivery_rank = 1
{% endmacro %}


{#- Events of the given types (all types when none), one row per event_id, with
    raw.events' column names and payload as JSON text. Every staging model of an event
    type goes through here, so they all agree on which copy of an event counts. They read
    the deduplicated stg_flywheel__events table rather than the landed files: ten million
    events are deduplicated once per build, not once per model and per test. -#}
{% macro deduplicated_events(event_types=none) %}
    select
        event_id, event_type, schema_version, occurred_at, user_id, anonymous_id,
        session_id, utm_source, utm_medium, utm_campaign, referrer, device,
        cast(payload as {{ dbt.type_string() }}) as payload,
        source_file as _source_file,
        ingested_at as _ingested_at
    from {{ ref('stg_flywheel__events') }}
    {%- if event_types %}
    where event_type in ({{ quoted_list(event_types) }})
    {%- endif %}
{% endmacro %}


{#- incremental_window (macros/incremental_window.sql) for a TIMESTAMP column: true on full
    builds, else the column falls on a day of [run_from - lookback_days, run_to]. Written
    as a range on the column itself, so DuckDB can skip row groups (and Parquet files) by
    their min/max. -#}
{% macro incremental_window_at(column) -%}
    {%- if is_incremental() and run_window() is not none -%}
        {{ column }} >= cast({{ window_start() }} as timestamp)
        and {{ column }} < cast({{ dbt.dateadd('day', 1, window_end()) }} as timestamp)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- 'a', 'b', 'c' for an IN list. -#}
{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- A top-level payload field as text (NULL when absent or JSON null). -#}
{% macro json_text(column, field) -%}
    {{ return(adapter.dispatch('json_text')(column, field)) }}
{%- endmacro %}

{% macro default__json_text(column, field) -%}
    get_json_object({{ column }}, '$.{{ field }}')
{%- endmacro %}

{% macro duckdb__json_text(column, field) -%}
    json_extract_string({{ column }}, '$.{{ field }}')
{%- endmacro %}


{#- JSON text holding a list of strings, as a list of strings. -#}
{% macro json_string_list(column) -%}
    {{ return(adapter.dispatch('json_string_list')(column)) }}
{%- endmacro %}

{% macro default__json_string_list(column) -%}
    from_json({{ column }}, 'array<string>')
{%- endmacro %}

{% macro duckdb__json_string_list(column) -%}
    from_json({{ column }}, '["VARCHAR"]')
{%- endmacro %}


{#- A payload field holding a list of objects, as a list of structs with the given fields:
    fields is a list of [name, type] pairs, type 'varchar', 'bigint' or 'double'. Unnest it
    with explode_list; read a field as <alias>.<name>. -#}
{% macro json_struct_list(column, field, fields) -%}
    {{ return(adapter.dispatch('json_struct_list')(column, field, fields)) }}
{%- endmacro %}

{% macro default__json_struct_list(column, field, fields) -%}
    {%- set spark_types = {'varchar': 'string', 'bigint': 'bigint', 'double': 'double'} -%}
    from_json(
        get_json_object({{ column }}, '$.{{ field }}'),
        'array<struct<
        {%- for name, type in fields -%}
            {{ name }}:{{ spark_types[type] }}{{ "," if not loop.last }}
        {%- endfor -%}
        >>'
    )
{%- endmacro %}

{% macro duckdb__json_struct_list(column, field, fields) -%}
    from_json(
        json_extract({{ column }}, '$.{{ field }}'),
        '[{
        {%- for name, type in fields -%}
            "{{ name }}": "{{ type | upper }}"{{ ", " if not loop.last }}
        {%- endfor -%}
        }]'
    )
{%- endmacro %}


{#- One row per element of a list, in a SELECT list: `select {{ explode_list('xs') }} as x`. -#}
{% macro explode_list(expression) -%}
    {{ return(adapter.dispatch('explode_list')(expression)) }}
{%- endmacro %}

{% macro default__explode_list(expression) -%}
    explode({{ expression }})
{%- endmacro %}

{% macro duckdb__explode_list(expression) -%}
    unnest({{ expression }})
{%- endmacro %}
