"""Points mall: goods and coupons redeemed for points, or points plus cash (issue 14)."""
