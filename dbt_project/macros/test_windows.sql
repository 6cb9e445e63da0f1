{#- Tests of incremental models look at the days a daily run rebuilt: a test's `where`
    may say __rebuilt_days(<day column>)__, which becomes the run window's days on that
    column, and true without a window (a full build tests every day).
    A daily run then does not re-test ten million rows it did not touch. dbt renders a
    test's config when it parses, before macros exist, so the token is expanded here, where
    dbt applies `where` at run time (dbt's own get_where_subquery, plus the expansion). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set token = modules.re.search('__rebuilt_days\\((\\w+)\\)__', where) -%}
        {%- if token -%}
            {%- set where = where.replace(token.group(0), rebuilt_days_only(token.group(1))) -%}
        {%- endif -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The run window (macros/incremental_window.sql) on a day column, true without one. -#}
{% macro rebuilt_days_only(column) -%}
    {%- if run_window() is not none -%}
        ({{ column }} >= {{ window_start() }} and {{ column }} <= {{ window_end() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
