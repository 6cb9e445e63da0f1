{#- Tests of incremental models look at the days a daily run rebuilt: a test's `where`
    may say __rebuilt_days(<day column>)__, which becomes [run_from - lookback_days, run_to]
    on that column when run_from is set and true otherwise (a full build tests every day).
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


{#- [run_from - lookback_days, run_to] on a day column, true without run_from. -#}
{% macro rebuilt_days_only(column) -%}
    {%- if var('run_from', none) is not none -%}
        ({{ column }} >= {{ window_start() }}
        and {{ column }} <= cast('{{ var('run_to', var('run_from')) }}' as date))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
