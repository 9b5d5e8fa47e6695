"""Verifiable lot drawing that the host cannot steer.

1. Freeze the list: participant codes, Unicode NFC, surrounding whitespace removed, sorted by
   code point (the order `LC_ALL=C sort` gives on UTF-8), duplicates refused.
2. Commit: the host draws a secret seed (32 random bytes, 64 hex digits) and publishes
   commitment = SHA-256 of the UTF-8 bytes of
       "leitai-draw-v1\\n" + seed + "\\n" + code_1 + "\\n" + … + code_n + "\\n"
   (seed in lowercase hex). Anyone can recompute it with `sha256sum`.
3. Contribute: after the commitment is public, someone else supplies a public contribution
   (digits called out by a participant's representative, say). The host cannot change the seed
   any more, and did not know the contribution when committing.
4. Shuffle: key = SHA-256(seed bytes ‖ NFC contribution as UTF-8); a stream of 64-bit words is
   HMAC-SHA256(key, counter as 8 bytes big-endian) for counter 0, 1, 2, …, each digest read as
   four big-endian words. Fisher–Yates from the last position down: for i = n−1 … 1, draw a word
   w, reject it while w ≥ 2⁶⁴ − (2⁶⁴ mod (i+1)) (so every j is equally likely), take
   j = w mod (i+1), swap positions i and j.
5. Reveal the seed: anyone recomputes the commitment and the order.

A participant who withdraws after the draw is removed from the drawn order and the others keep
their relative order; the caller does that, no redraw.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterator, Sequence

DOMAIN = b"leitai-draw-v1\n"
SEED_BYTES = 32
_HEX_SEED = re.compile(r"[0-9a-f]{64}")
_WORD = 2**64


class DrawError(ValueError):
    pass


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def normalise_seed(seed: str) -> str:
    normalised = seed.strip().lower()
    if not _HEX_SEED.fullmatch(normalised):
        raise DrawError("the seed must be 64 hexadecimal digits")
    return normalised


def canonical_code(code: str) -> str:
    """One code as it enters the commitment: NFC, trimmed; refuses empty and control characters
    (a newline inside a code would make the committed bytes ambiguous)."""
    normalised = unicodedata.normalize("NFC", code).strip()
    if not normalised:
        raise DrawError("a participant code is empty")
    if any(unicodedata.category(ch) == "Cc" for ch in normalised):
        raise DrawError(f"participant code {normalised!r} contains a control character")
    return normalised


def canonical_codes(codes: Sequence[str]) -> list[str]:
    """The frozen list: each code canonical, sorted by code point; refuses duplicates."""
    normalised = [canonical_code(code) for code in codes]
    seen: set[str] = set()
    for code in normalised:
        if code in seen:
            raise DrawError(f"participant code {code!r} appears twice")
        seen.add(code)
    return sorted(normalised)


def commitment(seed: str, codes: Sequence[str]) -> str:
    """SHA-256 (hex) over the documented encoding of the seed and the canonical list."""
    payload = DOMAIN + normalise_seed(seed).encode("ascii") + b"\n"
    payload += "".join(code + "\n" for code in canonical_codes(codes)).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def _words(seed: str, public: str) -> Iterator[int]:
    key = hashlib.sha256(
        bytes.fromhex(normalise_seed(seed)) + unicodedata.normalize("NFC", public).encode("utf-8")
    ).digest()
    counter = 0
    while True:
        block = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha256).digest()
        for offset in range(0, 32, 8):
            yield int.from_bytes(block[offset : offset + 8], "big")
        counter += 1


def draw_order(seed: str, public: str, codes: Sequence[str]) -> list[str]:
    """The presentation order: a Fisher–Yates shuffle of the canonical list (see module doc)."""
    order = canonical_codes(codes)
    words = _words(seed, public)
    for i in range(len(order) - 1, 0, -1):
        bound = i + 1
        limit = _WORD - (_WORD % bound)
        word = next(words)
        while word >= limit:
            word = next(words)
        j = word % bound
        order[i], order[j] = order[j], order[i]
    return order


def verify(
    seed: str,
    public: str,
    codes: Sequence[str],
    expected_commitment: str,
    published_order: Sequence[str] | None = None,
) -> tuple[bool, bool]:
    """(commitment holds, order holds) — the order check is True when no order is given."""
    commitment_ok = hmac.compare_digest(
        commitment(seed, codes), expected_commitment.strip().lower()
    )
    if published_order is None:
        return commitment_ok, True
    normalised = [unicodedata.normalize("NFC", code).strip() for code in published_order]
    return commitment_ok, draw_order(seed, public, codes) == normalised
