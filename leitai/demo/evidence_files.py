"""Evidence files for the demo's honours and vetoes: real content, not empty bytes.

A PNG is drawn pixel by pixel (a page with a red rule, lines of "text" that differ with the seed,
and a red seal), so every honour's scan is a different file with its own SHA-256. A PDF is the
honour's notice typeset by WeasyPrint (already a product dependency, for the score sheets).
"""

from __future__ import annotations

import hashlib
import struct
import zlib

WIDTH, HEIGHT = 240, 320


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def scan_png(seed: str) -> bytes:
    """A page-like PNG, different for every seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    white, ink, red = b"\xff\xff\xff", b"\x55\x55\x5a", b"\xc0\x1c\x1c"
    rows = []
    for y in range(HEIGHT):
        row = bytearray(b"\x00")  # filter: none
        line = (y - 60) // 14
        in_text = 60 <= y < 250 and (y - 60) % 14 < 6
        length = 140 + digest[line % 32] % 60 if in_text else 0
        for x in range(WIDTH):
            dx, dy = x - 170, y - 270
            rule = y in (28, 29) and 20 <= x < WIDTH - 20
            if rule or 900 <= dx * dx + dy * dy <= 1100:  # the red rule and the seal
                pixel = red
            elif in_text and 24 <= x < 24 + length and (x // 9 + line) % 5:
                pixel = ink
            else:
                pixel = white
            row += pixel
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )


def notice_pdf(*, title: str, body: str, document: str, day: str, unit: str) -> bytes:
    """The notice conferring an honour, as a one-page PDF."""
    from weasyprint import HTML  # imported on use: it takes a while to load

    html = f"""<html><head><meta charset="utf-8"><style>
      @page {{ size: A5; margin: 18mm; }}
      body {{ font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }}
      h1 {{ color: #b71c1c; text-align: center; font-size: 20pt;
            border-bottom: 2px solid #b71c1c; }}
      .doc {{ text-align: center; }} .sign {{ text-align: right; margin-top: 30mm; }}
    </style></head><body>
      <h1>{body}</h1><p class="doc">{document}</p>
      <p>经研究，决定授予{unit}“{title}”称号。</p>
      <p class="sign">{body}<br>{day}</p></body></html>"""
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
