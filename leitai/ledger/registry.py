"""The kinds of chain the ledger holds, each registered by the app that writes it.

The ledger knows how entries are chained, hashed, anchored and kept append-only; what a chain's
entries mean belongs to the app that writes them. An app registers its kind once (the arenas app
in `ArenasConfig.ready()`, and in `leitai.cli` for the offline check of an exported file, which
runs without Django): chains named "<prefix>:<number>" are then

- replayed from their entries alone (`replay`: no database, no Django settings), the replay
  naming every entry the app's services could not have written, and the anchors it must have;
- compared with the app's rows in the database (`compare`: reads them once for the whole
  verification and returns the comparer);
- exported to a file anyone can check (`export`: "12" or "arena:12" → the file's content).

`leitai ledger verify` walks the registry; the ledger imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from leitai.ledger.checks import Problem

Entries = Sequence[Mapping[str, Any]]


class Replayed(Protocol):
    """What a kind's replay found: its problems, and what the ledger's own checks need."""

    problems: list[Problem]
    entries: int
    head: tuple[int, str]

    def anchored_at(self) -> Mapping[str, int | None]:
        """Anchor kind → the entry of this chain the global chain must anchor (None: not yet)."""
        ...

    def describe(self) -> str:
        """What was replayed, for the chain's summary line."""
        ...


R = TypeVar("R", bound=Replayed)
R_contra = TypeVar("R_contra", bound=Replayed, contravariant=True)


class Records(Protocol[R_contra]):
    """A kind's rows in the database, read once for a whole verification."""

    def numbers(self) -> Iterable[int]:
        """Every record's number, whether its chain has entries or not."""
        ...

    def compare(self, chain: str, number: int, replay: R_contra, entries: Entries) -> list[Problem]:
        """The database against what the replay found; a record missing on either side too."""
        ...


@dataclass(frozen=True)
class ChainKind(Generic[R]):
    prefix: str  # its chains are named "<prefix>:<number>"
    noun: str  # "an arena", as in "not an arena chain"
    replay: Callable[[str, Entries], R]
    compare: Callable[[], Records[R]]
    export: Callable[[str], dict[str, Any]]  # raises ValueError or LookupError, worded for people

    def chain(self, number: int) -> str:
        return f"{self.prefix}:{number}"

    def number(self, chain: str) -> int | None:
        """The record a chain of this kind is about; None for a chain of another kind."""
        prefix, _, number = chain.partition(":")
        return int(number) if prefix == self.prefix and number.isdigit() else None


_kinds: dict[str, ChainKind[Any]] = {}
_default: list[str] = []  # the prefix registered as the default, if any


def register(kind: ChainKind[Any], *, default: bool = False) -> None:
    """Idempotent: registering a prefix again replaces its kind. `default`: the kind a bare
    number names (`leitai ledger export 12`), listed first whatever the apps' order."""
    _kinds[kind.prefix] = kind
    if default:
        _default[:] = [kind.prefix]


def kinds() -> list[ChainKind[Any]]:
    """The default kind first, then in the order registered; the first is the default
    (`leitai ledger export 12`)."""
    first = [_kinds[prefix] for prefix in _default if prefix in _kinds]
    return first + [kind for kind in _kinds.values() if kind not in first]


def kind_of(chain: str) -> ChainKind[Any] | None:
    kind = _kinds.get(chain.partition(":")[0])
    return kind if kind is not None and kind.number(chain) is not None else None


def for_export(text: str) -> ChainKind[Any]:
    """The kind a person names: "arena:12" its prefix; a bare number the default kind."""
    prefix = text.strip().partition(":")[0]
    if prefix in _kinds:
        return _kinds[prefix]
    if not _kinds:
        raise LookupError("no kind of chain is registered")
    return kinds()[0]


def unknown_detail() -> str:
    """The summary of a chain of no registered kind."""
    names = [kind.noun for kind in kinds()]
    nouns = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
    return f"not {nouns} chain" if nouns else "not a chain of a registered kind"
