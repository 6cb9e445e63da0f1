"""After-sales: refund only, return and refund, exchange; decisions, returns, inspection."""
