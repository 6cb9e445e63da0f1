{% macro window_start() %}{{ dbt.dateadd('day', -1 * (var('lookback_days', 3) | int), "cast('" ~ var('run_from') ~ "' as date)") }}{% endmacro %}
{% macro incremental_window(column) %}
{%- if is_incremental() and var('run_from', none) is not none -%}
  {{ column }} >= {{ window_start() }} and {{ column }} <= cast('{{ var('run_to', var('run_from')) }}' as date)
{%- else -%} true {%- endif -%}
{% endmacro %}
