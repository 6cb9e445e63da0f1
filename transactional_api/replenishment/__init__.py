"""Replenishment: the reorder suggestions the pipelines publish from the demand forecast,
and turning one into a draft purchase order with one call."""
