"""Which lr-finder rule trains best (issue 22 friction 3).

For each built-in scenario, with its own optimizer and with Adam, at three data seeds
(1, the tutorial's, then 2 and 3): run the range test (``lr_find``, as ``L`` and
``torchplay lr-find`` do), take each rule's suggestion (engine/train/lrrules.py; rounded to
3 digits, as the app applies it), train the scenario at it for the scenario's step count,
and record the final training-set loss and R² or accuracy. The scenario's own lr is the
reference. The summary ranks the rules by the geometric mean of their loss over the
reference's (losses floored at 1e-6: below that a run has fit), wins, and the worst case.

    .venv/bin/python -m bench.lrrules              # trains, prints, writes bench/lrrules.json
    .venv/bin/python -m bench.lrrules --summary    # the summary of the last JSON

Deterministic: the same numbers on every run (fixed seeds, one thread).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

SEEDS = (1, 2, 3)
OPTIMIZERS = ("scenario", "adam")
FLOOR = 1e-6
OUT = Path(__file__).with_name("lrrules.json")


def trained(spec, lr: float | None) -> dict:
    """The final loss and metric after the spec's steps at ``lr`` (inf: none, or diverged)."""
    from torchplay.engine.train.trainer import Trainer

    if lr is None:
        return {"lr": None, "loss": math.inf, "metric": None}
    lr = float(f"{lr:.3g}")
    trainer = Trainer(spec.with_overrides({"training.lr": lr}))
    snap = trainer.run()
    if trainer.state == "diverged":
        return {"lr": lr, "loss": math.inf, "metric": None}
    metric = snap.r2 if snap.accuracy is None else snap.accuracy
    return {"lr": lr, "loss": trainer.train_set_loss(), "metric": metric}


def measure() -> list[dict]:
    import torch
    from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
    from torchplay.engine.train.lrfind import lr_find
    from torchplay.engine.train.lrrules import RULES

    torch.set_num_threads(1)
    rows = []
    for name in SCENARIOS:
        for opt in OPTIMIZERS:
            for seed in SEEDS:
                spec = get_scenario(name).with_overrides({"data.seed": seed})
                if opt != "scenario":
                    spec = spec.with_overrides({"training.optimizer": opt})
                test = lr_find(spec)
                row = {"scenario": name, "optimizer": spec.training.optimizer, "seed": seed}
                row["reference"] = trained(spec, spec.training.lr)
                for rule, pick in RULES.items():
                    row[rule] = trained(spec, pick(test.lrs, test.losses))
                rows.append(row)
                print(line(row), flush=True)
    return rows


def line(row: dict) -> str:
    cells = []
    for key in ("reference", "steepest", "min/10", "valley"):
        r = row[key]
        metric = "-" if r["metric"] is None else f"{r['metric']:.3f}"
        cells.append(f"{r['lr'] or 0:8.3g} {r['loss']:9.3g} {metric:>6}")
    head = f"{row['scenario']:14} {row['optimizer']:4} {row['seed']}"
    return f"| {head} | " + " | ".join(cells) + " |"


def summary(rows: list[dict]) -> str:
    rules = ("steepest", "min/10", "valley")
    out = [
        "| rule | geo-mean loss / reference | wins | worst loss / reference |",
        "|---|---|---|---|",
    ]
    for rule in rules:
        ratios = [max(r[rule]["loss"], FLOOR) / max(r["reference"]["loss"], FLOOR) for r in rows]
        logs = [math.log(x) for x in ratios]
        geo = math.exp(sum(logs) / len(logs))
        wins = sum(
            max(r[rule]["loss"], FLOOR) == min(max(r[k]["loss"], FLOOR) for k in rules)
            for r in rows
        )
        out.append(f"| {rule} | {geo:.3g} | {wins}/{len(rows)} | {max(ratios):.3g} |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if "--summary" in argv:
        rows = json.loads(OUT.read_text())
    else:
        print(
            "| scenario, optimizer, seed | reference lr, loss, R²/acc | steepest | min/10 | valley |"
        )
        rows = measure()
        OUT.write_text(json.dumps(rows, indent=1) + "\n")
    print()
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
