{#- dbt.dateadd and dbt.datediff on Spark with DuckDB's results. dbt-spark's own versions go
    through unix seconds (dateadd drops the microseconds of a timestamp) and count a month
    from months_between (2024-01-31 to 2024-02-29 is 2 months there, 1 on DuckDB). -#}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- Boundaries crossed, as DuckDB's date_diff counts them: calendar parts compare calendar
    fields, clock parts whole units between the two times truncated to that unit. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set part = datepart | lower -%}
    {%- if part == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif part in ('month', 'quarter', 'year') -%}
        {%- set per_year = {'month': 12, 'quarter': 4, 'year': 1}[part] -%}
        {%- set field = {'month': 'month', 'quarter': 'quarter', 'year': none}[part] -%}
        ((year({{ second_date }}) * {{ per_year }}
          {%- if field %} + {{ field }}({{ second_date }}){% endif %})
         - (year({{ first_date }}) * {{ per_year }}
          {%- if field %} + {{ field }}({{ first_date }}){% endif %}))
    {%- elif part in ('hour', 'minute', 'second') -%}
        timestampdiff({{ part }}, date_trunc('{{ part }}', {{ first_date }}),
                      date_trunc('{{ part }}', {{ second_date }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "dbt.datediff('" ~ datepart ~ "') has no Spark version with DuckDB's meaning "
            ~ "yet: add one to macros/cross_engine/dates.sql") }}
    {%- endif -%}
{%- endmacro %}
