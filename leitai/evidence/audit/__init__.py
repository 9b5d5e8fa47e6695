"""The evidence app's ledger chain kinds: replay from the entries alone, comparison with the
database, export (one module per kind)."""
