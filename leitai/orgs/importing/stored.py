"""The stored tree, read compactly for comparison with an import file."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from leitai.orgs import arrays
from leitai.orgs.importing.rows import Facts
from leitai.orgs.models import Unit


@dataclass
class StoredTree:
    """Node i is the stored unit with id ids[i]; names and secretaries kept only as hashes."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    codes: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    parent_ids: array[int] = field(default_factory=lambda: array("q"))  # 0 for a root
    sectors: bytearray = field(default_factory=bytearray)
    kinds: bytearray = field(default_factory=bytearray)
    evaluating: bytearray = field(default_factory=bytearray)
    name_hashes: array[int] = field(default_factory=lambda: array("q"))
    secretary_hashes: array[int] = field(default_factory=lambda: array("q"))

    @classmethod
    def load(cls) -> StoredTree:
        tree = cls()
        rows = Unit.objects.order_by("id").values_list(
            "id", "code", "parent_id", "sector", "kind", "is_evaluating", "name", "secretary"
        )
        other_sector, other_kind = arrays.SECTOR_INDEX["other"], arrays.KIND_INDEX["other"]
        for uid, code, parent_id, sector, kind, evaluating, name, secretary in rows.iterator(
            chunk_size=20_000
        ):
            tree.index[code] = len(tree.codes)
            tree.ids.append(uid)
            tree.codes.append(code)
            tree.parent_ids.append(parent_id or 0)
            tree.sectors.append(arrays.SECTOR_INDEX.get(sector, other_sector))
            tree.kinds.append(arrays.KIND_INDEX.get(kind, other_kind))
            tree.evaluating.append(1 if evaluating else 0)
            tree.name_hashes.append(hash(name))
            tree.secretary_hashes.append(hash(secretary))
        return tree

    def load_facts(self) -> dict[int, Facts]:
        """node → (founded, members, has_party_groups) of the stored units with any fact known;
        read only when the file has fact columns."""
        known = (
            Q(founded__isnull=False) | Q(members__isnull=False) | Q(has_party_groups__isnull=False)
        )
        rows = Unit.objects.filter(known).values_list(
            "id", "founded", "members", "has_party_groups"
        )
        found = list(rows.iterator(chunk_size=20_000))
        if not found or not len(self.ids):
            return {}
        ids = np.frombuffer(self.ids, dtype=np.int64)
        wanted = np.fromiter((row[0] for row in found), dtype=np.int64, count=len(found))
        nodes = np.clip(np.searchsorted(ids, wanted), 0, len(ids) - 1)
        facts: dict[int, Facts] = {}
        for node, is_stored, (_, founded, members, groups) in zip(
            nodes.tolist(), (ids[nodes] == wanted).tolist(), found, strict=True
        ):
            if is_stored:
                facts[node] = (founded, members, groups)
        return facts

    def __len__(self) -> int:
        return len(self.codes)

    def parent_indexes(self) -> np.ndarray:
        """Each stored node's parent as a node number (-1 for roots), vectorised."""
        ids = np.frombuffer(self.ids, dtype=np.int64) if len(self.ids) else np.empty(0, np.int64)
        parents = (
            np.frombuffer(self.parent_ids, dtype=np.int64)
            if len(self.parent_ids)
            else np.empty(0, np.int64)
        )
        # ids are loaded in ascending order, so searchsorted finds each parent's node.
        found = np.searchsorted(ids, parents)
        found = np.clip(found, 0, max(len(ids) - 1, 0))
        valid = (parents != 0) & (ids[found] == parents) if len(ids) else parents != 0
        return np.where(valid, found, -1).astype(np.int64)
