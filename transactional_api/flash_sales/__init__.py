"""Flash sales: stock preloaded into Redis, taken by one Lua script on the hot path (no SQL),
turned into orders by workers reading a Redis Stream, and reconciled at the end."""
