"""Group buying: an offer on a SKU at a group price; a shopper opens a group, others join
through share links, and the group ships when every seat is paid or is refunded when its
window closes unfilled."""
