"""Automated reach: campaigns that message shoppers on events, abandoned carts and audiences."""
