"""The ledger admin's tests look at the arena day the audit tests play (one fixture)."""

from tests.arenas.audit.conftest import full_day

__all__ = ["full_day"]
