"""The append-only, hash-chained record of every score and decision.

Each arena has its own chain ("arena:<id>"), so a busy day with fifty arenas has no single row
every writer waits for; the global chain ("global") anchors each arena chain when it opens and
records its head when it closes. Entries keep their canonical JSON text (`body`) exactly as it was
hashed: PostgreSQL's jsonb would re-order keys, so the hash is never recomputed from parsed JSON.
Database triggers refuse UPDATE and DELETE on entries (migration 0002).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.ledger.hashing import GENESIS


class LedgerEntry(models.Model):
    chain = models.CharField(_("chain"), max_length=64)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=48)
    body = models.TextField(_("recorded text"))  # canonical JSON: {"at", "actor", "data"}
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="ledger_entry_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.kind}"


class ChainHead(models.Model):
    """The last entry of each chain: appends lock this row, not the whole table."""

    chain = models.CharField(_("chain"), max_length=64, unique=True)
    seq = models.PositiveBigIntegerField(_("sequence number"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("chain head")
        verbose_name_plural = _("chain heads")

    def __str__(self) -> str:
        return f"{self.chain} @ {self.seq}"
