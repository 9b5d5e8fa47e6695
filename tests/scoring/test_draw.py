"""Lot drawing: commitment and order recomputed independently, by the documented recipe."""

import hashlib
import hmac
import subprocess
from collections import Counter

import pytest

from leitai.scoring.draw import (
    DrawError,
    canonical_codes,
    commitment,
    draw_order,
    new_seed,
    verify,
)

SEED = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
CODES = ["B-02", "A-01", "C-03", "张-04", "D-05"]


def test_canonical_list_is_nfc_trimmed_and_sorted_by_code_point():
    decomposed = "Cafe\u0301"  # e + combining acute: NFC makes it é
    assert canonical_codes([" B ", decomposed, "A"]) == ["A", "B", "Caf\u00e9"]


def test_duplicates_and_empty_codes_are_refused():
    with pytest.raises(DrawError, match="appears twice"):
        canonical_codes(["A", "A "])
    with pytest.raises(DrawError, match="empty"):
        canonical_codes(["A", "  "])


def test_commitment_is_sha256_of_the_documented_bytes_and_matches_sha256sum():
    text = "leitai-draw-v1\n" + SEED + "\n" + "".join(c + "\n" for c in sorted(CODES))
    assert commitment(SEED, CODES) == hashlib.sha256(text.encode()).hexdigest()
    # The by-hand check from docs/scoring.md, with the shell's tools.
    shell = subprocess.run(
        [
            "sh",
            "-c",
            "{ printf 'leitai-draw-v1\\n%s\\n' \"$0\"; LC_ALL=C sort; } | sha256sum",
            SEED,
        ],
        input="\n".join(CODES) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split()[0] == commitment(SEED, CODES)


def reference_order(seed, public, codes):
    """An independent transcription of the algorithm in docs/scoring.md."""
    key = hashlib.sha256(bytes.fromhex(seed) + public.encode()).digest()
    stream = []
    counter = 0
    items = sorted(codes)
    for i in range(len(items) - 1, 0, -1):
        while True:
            if not stream:
                digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha256).digest()
                stream = [int.from_bytes(digest[o : o + 8], "big") for o in (0, 8, 16, 24)]
                counter += 1
            word = stream.pop(0)
            if word < 2**64 - 2**64 % (i + 1):
                break
        j = word % (i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def test_order_follows_the_documented_algorithm():
    for public in ["", "7 3 9", "四五六"]:
        assert draw_order(SEED, public, CODES) == reference_order(SEED, public, CODES)


def test_public_contribution_changes_the_order_and_input_order_does_not():
    assert draw_order(SEED, "1", CODES) == draw_order(SEED, "1", list(reversed(CODES)))
    orders = {tuple(draw_order(SEED, str(p), CODES)) for p in range(20)}
    assert len(orders) > 10


def test_verify_checks_commitment_and_order():
    published = draw_order(SEED, "42", CODES)
    c = commitment(SEED, CODES)
    assert verify(SEED, "42", CODES, c, published) == (True, True)
    assert verify(SEED, "43", CODES, c, published) == (True, False)
    assert verify(SEED, "42", [*CODES, "E-06"], c) == (False, True)
    other_seed = new_seed()
    assert verify(other_seed, "42", CODES, c, published)[0] is False


def test_seed_must_be_64_hex_digits():
    assert len(new_seed()) == 64
    with pytest.raises(DrawError, match="64 hexadecimal"):
        commitment("abc", CODES)


def test_shuffle_is_uniform_over_permutations_of_three():
    # 6 permutations; over 6,000 public contributions each should appear ~1,000 times.
    counts = Counter(tuple(draw_order(SEED, str(p), ["a", "b", "c"])) for p in range(6000))
    assert len(counts) == 6
    assert all(850 < n < 1150 for n in counts.values())
