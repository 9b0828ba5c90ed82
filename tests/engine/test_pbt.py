"""Population-based training (engine/sweeps/cohort.py): the worst quantile fork the best
at each rung; a member's checkpoint holds its lineage, and replaying it headless (a share
string, ``torchplay open``) gives the same weights bit for bit."""

from __future__ import annotations

import json

import pytest
from torchplay.engine.files.checkpoint import restore
from torchplay.engine.run.grid import members, parse_grid
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.sweepplan import SweepPlan
from torchplay.engine.sweeps.sweep import ranked, run_local
from torchplay.engine.train.replay import shared_of, verify

GRID = ["training.lr=0.003,0.01,0.03,0.1,0.3,1,3,10"]


def _sweep(optimizer: str, kernel: str = "exact", seed: int = 0):
    base = get_scenario("classification").with_overrides(
        {"training.steps": 80, "training.optimizer": optimizer, "training.kernel": kernel}
    )
    if optimizer == "sgd":
        base = base.with_overrides({"training.momentum": 0.9})
    grid = members(parse_grid(GRID, base), base)
    plan = SweepPlan(pbt=True, pbt_every=20, pbt_quantile=0.25, seed=seed)
    return run_local(grid, keep_checkpoints=True, plan=plan).rows


@pytest.mark.parametrize(("optimizer", "kernel"), [("adam", "exact"), ("sgd", "compiled")])
def test_forked_members_replay_bit_for_bit_from_their_checkpoints(tmp_path, optimizer, kernel):
    rows = _sweep(optimizer, kernel)
    forked = [r for r in rows if r.forks]
    # Three rounds (steps 20, 40, 60), two losers each (a quarter of eight).
    assert sum(1 for r in rows for f in r.forks or [] if f["step"] == 60) == 2
    assert len({f["step"] for r in forked for f in r.forks}) == 3
    chained = [r for r in forked if len(r.forks) > 1]
    winner = ranked(rows)[0]
    for row in {r.index: r for r in [*forked, winner]}.values():
        path = tmp_path / f"m{row.index}.safetensors"
        path.write_bytes(row.checkpoint_bytes)
        trainer = restore(path)
        assert len(trainer.lineage) == len(row.forks)
        assert [s for s, _ in trainer.lineage] == [f["step"] for f in row.forks]
        verdict = verify(shared_of(trainer))
        assert verdict.verified, (row.index, verdict.differences())
        assert verdict.weights_sha256 == row.weights_sha256
    assert forked and (chained or len(forked) >= 6)


def test_a_fork_perturbs_the_donors_lr_by_0_8_or_1_2_and_the_seed_decides() -> None:
    rows = _sweep("adam")
    lrs = {r.index: r.overrides["training.lr"] for r in rows}
    # A row lists its ancestors' forks too: the round at step 20 made two (a quarter of
    # eight), from donors that had not forked yet.
    first = {json.dumps(f, sort_keys=True) for r in rows for f in r.forks or [] if f["step"] == 20}
    first = [json.loads(f) for f in first]
    assert len(first) == 2
    for f in first:
        ratio = f["values"]["training.lr"] / lrs[f["from"]]
        assert min(abs(ratio - 0.8), abs(ratio - 1.2)) < 1e-9, ratio
    again = _sweep("adam")
    assert [r.weights_sha256 for r in again] == [r.weights_sha256 for r in rows]
    assert [r.forks for r in again] == [r.forks for r in rows]
    other = _sweep("adam", seed=7)
    assert [r.forks for r in other] != [r.forks for r in rows]
