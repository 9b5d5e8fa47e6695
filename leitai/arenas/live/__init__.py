"""The arena's live views: what each screen, console and judge's phone receives (`state`), the
topics and who may follow them, and the push after each committed change (`publish`, `topics`).

The services know none of this: they announce a change (`leitai.arenas.signals`) and `publish`
receives it. The hub and the coalescing publisher themselves are the base package `leitai.live`.
"""
