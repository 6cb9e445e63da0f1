"""Distribution: promoters, buyer binding, two-level commissions and their ledger, withdrawals."""
