"""Assets that hand results back: features to Redis, a read-only warehouse copy to readers."""
