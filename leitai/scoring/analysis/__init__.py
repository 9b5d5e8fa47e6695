"""The scoring core for analysts: the rules of `leitai.scoring` run over a whole file of marks.

- `cli`: `leitai stats …` and `leitai draw …` (also `python -m leitai.scoring.analysis.cli`);
  `cli_stats` runs the `stats` commands, `cli_aggregate` writes `stats aggregate`'s output;
- `longtable`: reading marks in long format (.csv, .xlsx); `longtable_fast`, the columnar reader
  for big plain CSV files;
- `batch`: the panel rule over many participants at once, in numpy (held to
  `leitai.scoring.panel` figure for figure by a property test);
- `robustness`: how sure a top-q cut is, a bootstrap built on the batch path;
- `cli_evidence`, `cli_selection`: `stats honours`/`daily` and `stats quota`/`composite`;
  `selection_robustness`: how sure a track's cut is, a bootstrap over the re-evaluation judges.

Nothing here imports Django, and nothing in `leitai.scoring` imports this package (both are
import contracts in .importlinter). docs/scoring.md is the contract of the commands.
"""
