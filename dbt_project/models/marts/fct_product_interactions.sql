select
    interaction_id,
    visitor_key,
    user_id,
    session_key,
    product_id,
    interaction_type,
    weight,
    occurred_at
from {{ ref('int_product_interactions_unioned') }}
