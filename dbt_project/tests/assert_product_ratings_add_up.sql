-- Every review of a product is pending, published or rejected, and the published ones'
-- stars are their histogram: a row breaking either is returned (and fails the build).
select product_id
from {{ ref('fct_product_ratings') }}
where reviews_submitted != reviews_pending + reviews_published + reviews_rejected
    or reviews_published != rating_1 + rating_2 + rating_3 + rating_4 + rating_5
    or rating_sum != rating_1 + 2 * rating_2 + 3 * rating_3 + 4 * rating_4 + 5 * rating_5
    or reviews_replied > reviews_published
