"""Static files storage: whitenoise's compressed storage, with files anyone may read.

The process runs with umask 077 (var/ is private), and whitenoise writes its .gz/.br copies
with plain open(), past the storage's permission modes. Static files are public by nature,
and behind nginx its own user serves them, so after collection every file is 0644 and every
directory 0755.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class PublicStaticFilesStorage(CompressedStaticFilesStorage):  # type: ignore[misc]
    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from super().post_process(*args, **kwargs)
        root = Path(self.location)
        for directory, _subdirectories, files in os.walk(root):
            os.chmod(directory, 0o755)
            for name in files:
                os.chmod(Path(directory) / name, 0o644)
