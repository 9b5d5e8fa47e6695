"""The arena's audit: its ledger chain replayed from the entries alone (`replay`), the database
held against it (`compare`), and the chain exported for anyone to check (`export`) — the arena's
chain kind, registered with the ledger (leitai.ledger.registry) by `ArenasConfig.ready()` and, for
the offline check of an exported file, by leitai.cli.

Importing this package loads no Django model and needs no settings: `compare` and `export` import
the ORM when they run.
"""

from __future__ import annotations

from typing import Any

from leitai.arenas.audit.replay import ArenaReplay, replay_arena
from leitai.ledger import registry

ARENA_PREFIX = "arena:"


def _compare() -> registry.Records[ArenaReplay]:
    from leitai.arenas.audit.compare import ArenaRecords

    return ArenaRecords()


def _export(text: str) -> dict[str, Any]:
    from leitai.arenas.audit.export import export_named

    return export_named(text)


ARENA_CHAINS = registry.ChainKind(
    prefix=ARENA_PREFIX.rstrip(":"),
    noun="an arena",
    replay=replay_arena,
    compare=_compare,
    export=_export,
)


def register() -> None:
    registry.register(ARENA_CHAINS, default=True)  # `leitai ledger export 12` names an arena
