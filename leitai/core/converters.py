"""URL converters for keys that come from imported data (unit codes, account names).

Imports now refuse a "/" in a code or an account name, but older rows may hold one, and a page
that lists many units or accounts must not fail because one of them cannot be linked. The
`segment` converter turns any non-empty string into exactly one path segment and back.
"""

from __future__ import annotations

from urllib.parse import unquote


class SegmentConverter:
    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        # "%" first, so that to_python's unquote restores exactly the stored value. Django's
        # reverse() then percent-encodes the "%" once more; the server decodes that layer.
        escaped = value.replace("%", "%25").replace("/", "%2F")
        if not escaped.strip("."):
            # A segment of only dots would be resolved away by browsers as "." or "..".
            escaped = escaped.replace(".", "%2E")
        return escaped
