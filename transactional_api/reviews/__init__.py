"""Product reviews by verified buyers: moderation, the shop's reply, and the per-product
rating summary that the product page and the search's rating sort read."""
