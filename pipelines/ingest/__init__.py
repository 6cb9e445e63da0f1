"""Assets that copy the transaction side (landed events, OLTP tables) into the warehouse."""
