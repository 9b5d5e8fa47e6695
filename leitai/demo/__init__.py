"""The demo city and its arenas, and the tools for demonstrations, rehearsals and load tests.

The top layer: it builds on the apps through their services, and no app imports it (the
`no-app-imports-demo-or-simulation` import contract).

- generate.py: the demo city's rows and generated trees of any size (`leitai demo`,
  `leitai gen-orgs`);
- arenas.py: the demo programme's finished and ready arenas; rubric.py: its rubric;
- management/commands: `leitai demo`, `leitai gen-orgs`, and `leitai simulate`, which drives
  leitai/simulation/ against a running server.
"""
