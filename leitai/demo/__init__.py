"""Demonstration and rehearsal tools built on the apps from above: no app imports this package.

`leitai simulate` (management/commands/simulate.py) drives leitai/simulation/ against a running
server.
"""
