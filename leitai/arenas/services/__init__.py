"""Every write to arenas: one function per action, each in one transaction with its ledger entry.

Modules: setup (the arena, participants, panel, recusals), draw (verifiable lot drawing),
console (the live day's transitions and timer), sheets (judges' marks, corrections, confirmation).
"""
