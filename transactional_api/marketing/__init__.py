"""Marketing: what operators spent on each campaign and channel, per day."""
