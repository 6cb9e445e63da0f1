"""Merchant onboarding and lifecycle: applications, review, deposit, suspension, closing,
and the roles of a merchant's own staff."""
