"""How a participant's unit is named on the arena's screens: relative to the host.

Every participant of an arena lies below its host, and Chinese unit names usually spell out the
path: 金湖路街道泰州路社区第一党支部 under 金湖路街道党工委. On a big screen with 17 rows the host's
own name fills the space and every row is cut to the same "金湖路街道泰州路…". The rule here
keeps what tells the rows apart:

1. a short name the host set for the participant wins;
2. otherwise the host's name is dropped from the front of the unit's name — the host's full
   name, or the host's name without its organisation kind (党工委, 党委, …), since a unit below
   金湖路街道党工委 is called 金湖路街道…, not 金湖路街道党工委…;
3. two rows that would read the same (or a name that would become empty) show in full, so the
   rule never removes the part that distinguishes two rows.

Pure and Django-free, so that the screen, the public view, the console and the phones all use
the same names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

# Longest first: "工作委员会" before "委员会" before "委".
ORGANISATION_KINDS = (
    "工作委员会",
    "委员会",
    "党工委",
    "党总支",
    "党支部",
    "党委",
    "工委",
    "总支",
    "支部",
    "委",
)
# What may stand between the host's name and the rest ("Host Street · Branch 3").
SEPARATORS = " \t·•-—–/／、"


def host_prefixes(host_name: str) -> list[str]:
    """The host's name and, when it ends in an organisation kind, the name without it."""
    name = host_name.strip()
    prefixes = [name] if name else []
    for kind in ORGANISATION_KINDS:
        if name.endswith(kind) and len(name) > len(kind):
            prefixes.append(name[: -len(kind)])
            break
    return prefixes


def relative_name(host_name: str, name: str) -> str:
    """The unit's name without the host's name in front; whole if no unit's name would remain."""
    full = name.strip()
    for prefix in host_prefixes(host_name):
        if full.startswith(prefix):
            rest = full[len(prefix) :].lstrip(SEPARATORS)
            # "党工委" alone names no unit: the host's own party committee keeps its name.
            if rest and rest not in ORGANISATION_KINDS:
                return rest
    return full


def display_names(host_name: str, names: Sequence[str], short_names: Sequence[str]) -> list[str]:
    """The name each participant is shown by, in the order given (see the module's rules)."""
    if len(names) != len(short_names):
        raise ValueError("one short name (possibly empty) is needed for each name")
    shown = [
        short.strip() or relative_name(host_name, name)
        for name, short in zip(names, short_names, strict=True)
    ]
    clashes = Counter(shown)
    return [
        shown_name if clashes[shown_name] == 1 else name.strip()
        for name, shown_name in zip(names, shown, strict=True)
    ]
