{#- One row per day from start to end inclusive, in a column named `day`, as a subquery
    (select ... from <from_relation>); start and end are columns or expressions of it.
    No rows when either is NULL. -#}
{% macro day_series(start_date, end_date, from_relation) -%}
    {{ return(adapter.dispatch('day_series')(start_date, end_date, from_relation)) }}
{%- endmacro %}

{% macro default__day_series(start_date, end_date, from_relation) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as day
    from {{ from_relation }}
{%- endmacro %}

{% macro duckdb__day_series(start_date, end_date, from_relation) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date) as day
    from {{ from_relation }}
{%- endmacro %}


{#- Seconds from start to end (both TIMESTAMP) as a DOUBLE, fractions kept; negative when
    end is earlier, NULL when either is NULL. Divide for minutes or hours. -#}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    (cast({{ end_ts }} as double) - cast({{ start_ts }} as double))
{%- endmacro %}

{% macro duckdb__seconds_between(start_ts, end_ts) -%}
    (epoch({{ end_ts }}) - epoch({{ start_ts }}))
{%- endmacro %}
