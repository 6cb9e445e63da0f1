"""Suppliers and procurement: contracts, purchase orders, receipts, payables, consignment."""
