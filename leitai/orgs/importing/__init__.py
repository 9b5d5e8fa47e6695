"""Importing the organisation tree from .xlsx or .csv: check, preview, then all-or-nothing write.

One streaming pass reads and validates every row into compact columns (rows.py); the rows are
merged with the stored tree in arrays, where unknown parents, cycles, depth, scope and pruning are
checked before anything is written (importer.py); the write inserts new units with the statements
the benchmark's floor uses and updates only stored units whose fields, path or subtree counts
change (writing.py).
"""

from typing import Any

from leitai.orgs.importing.rows import COLUMNS, HEADERS_ZH

__all__ = ["COLUMNS", "HEADERS_ZH", "OrgImporter"]


def __getattr__(name: str) -> Any:
    # The importer needs numpy; load it only when someone imports (see core.imports).
    if name == "OrgImporter":
        from leitai.orgs.importing.importer import OrgImporter

        return OrgImporter
    raise AttributeError(name)
