-- The Markov removal effect of each channel (int_attribution_removal_effects), published
-- with a contract for the channels page.
select
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(entries as {{ dbt.type_bigint() }}) as entries,
    cast(conversion_probability as double) as conversion_probability,
    cast(conversion_probability_without as double) as conversion_probability_without,
    cast(removal_effect as double) as removal_effect,
    cast(removal_share as double) as removal_share
from {{ ref('int_attribution_removal_effects') }}
