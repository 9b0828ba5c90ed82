#!/bin/bash
# The quiet re-measure in BENCHMARKS.md: the issue-10 rows (single-run floor and population
# speedup), the app during a 64-member sweep, and the workflow overheads, three rounds back
# to back, each line stamped with the time and load average. Run from the repo root on an
# otherwise idle machine: bash bench/quiet.sh
set -e
py=.venv/bin/python
stamp() { echo "-- $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
for round in 1 2 3; do
  stamp "round $round: single-run floor and population speedup"
  PYTHONPATH=. $py -c '
import torch; torch.set_num_threads(1)
from bench.__main__ import side_by_side
from bench import population
for name in ("regression", "classification"):
    a, b = side_by_side(name)
    print(f"{name}_speedup {b / a:.2f} (tutorial {a:,.0f} engine {b:,.0f} steps/s)")
res, _ = population.rows()
for key in ("population_model_steps_per_s_k64", "population_speedup",
            "population_model_steps_per_s_k1024", "population_speedup_k1024"):
    print(key, f"{res[key]:,.2f}")'
  stamp "round $round: the app during a 64-member sweep"
  PYTHONPATH=. $py -m bench.tuisweep --json | tail -1
  stamp "round $round: workflow overheads"
  PYTHONPATH=. $py -m bench.workflow
done
stamp done
