"""Pricing: price sources per SKU, promotions, coupons and the engine that stacks them.

request -> matching promotions -> stacking -> price risk check -> final price
"""
