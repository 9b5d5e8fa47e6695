"""ICCs and Kendall's W on 100,000 participants × 9 judges, beside pingouin on the same data.

pingouin (a `bench` extra, never a product dependency) runs with its rounding turned off; its
ICC(A,1)/ICC(C,1)/ICC(A,k)/ICC(C,k) are Shrout & Fleiss's ICC(2,1)/ICC(3,1)/ICC(2,k)/ICC(3,k),
and its Friedman test (judges as subjects, participants as the within factor) gives W with the
tie correction, Q = χ² and p. Every figure must agree to 1e-9; ours should be faster. Each side
gets its natural input prepared outside the timing: ours a participants × judges matrix,
pingouin a long DataFrame.

    python -m bench.scoring_reliability [--smoke]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from bench._scoring_data import load, machine, panel_marks, timed
from leitai.scoring.reliability import intraclass_correlations, kendall_w

JUDGES = 9
PINGOUIN_NAMES = {
    "ICC(1,1)": "ICC(1,1)",
    "ICC(2,1)": "ICC(A,1)",
    "ICC(3,1)": "ICC(C,1)",
    "ICC(1,k)": "ICC(1,k)",
    "ICC(2,k)": "ICC(A,k)",
    "ICC(3,k)": "ICC(C,k)",
}
TOLERANCE = 1e-9


def ours(table: np.ndarray) -> dict[str, float]:
    figures: dict[str, float] = {}
    for icc in intraclass_correlations(table):
        assert icc.value is not None
        assert icc.ci95 is not None
        figures[icc.name] = icc.value
        figures[f"{icc.name} low"], figures[f"{icc.name} high"] = icc.ci95
    w = kendall_w(table)
    assert w.w is not None
    assert w.chi2 is not None
    assert w.p is not None
    figures.update({"W": w.w, "chi2": w.chi2, "p": w.p})
    return figures


def theirs(long: object, wide_for_friedman: object) -> dict[str, float]:
    import pingouin

    pingouin.options["round"] = None
    pingouin.options["round.column.CI95"] = None
    icc = pingouin.intraclass_corr(
        data=long, targets="participant", raters="judge", ratings="score"
    ).set_index("Type")
    friedman = pingouin.friedman(
        data=wide_for_friedman, dv="score", within="participant", subject="judge"
    )
    figures: dict[str, float] = {}
    for name, theirs_name in PINGOUIN_NAMES.items():
        figures[name] = float(icc.loc[theirs_name, "ICC"])
        low, high = icc.loc[theirs_name, "CI95"]
        figures[f"{name} low"], figures[f"{name} high"] = float(low), float(high)
    row = friedman.iloc[0]
    figures.update({"W": float(row["W"]), "chi2": float(row["Q"]), "p": float(row["p_unc"])})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scoring_reliability")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    participants = 300 if args.smoke else 100_000
    repeat = 1 if args.smoke else 3
    import pandas as pd

    table = panel_marks(participants, JUDGES, seed=1).astype(np.float64) / 100
    long = pd.DataFrame(
        {
            "participant": np.repeat(np.arange(participants), JUDGES),
            "judge": np.tile(np.arange(JUDGES), participants),
            "score": table.ravel(),
        }
    )
    print(f"machine: {machine()}; {load()}")
    print(f"{participants:,} participants × {JUDGES} judges: six ICCs with 95% CIs, Kendall's W")
    mine, peer = ours(table), theirs(long, long)
    worst = max(abs(mine[key] - peer[key]) for key in mine)
    for key in mine:
        print(f"  {key:<14} ours {mine[key]: .12g}  pingouin {peer[key]: .12g}")
    print(f"  largest difference: {worst:.3g} (must be ≤ {TOLERANCE:g})")
    ours_time = timed(lambda: ours(table), repeat)
    peer_time = timed(lambda: theirs(long, long), repeat)
    print(f"  ours:     {ours_time} (medians of {repeat})")
    print(f"  pingouin: {peer_time}")
    print(
        f"  pingouin / ours: {peer_time.wall / ours_time.wall:.1f}× wall, "
        f"{peer_time.cpu / ours_time.cpu:.1f}× CPU"
    )
    if worst > TOLERANCE:
        print("FAILED: figures disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
