"""The Ray backend of ``torchplay sweep``: Ray Tune spreads chunks of the grid over a cluster.

A Tune trial is one chunk of up to K members, trained on its worker as populations by
the local backend's own code (:func:`torchplay.engine.sweeps.sweep.train_members`), in segments
of ``every`` steps. After each segment the trial reports every member's row to Tune;
its metric is the chunk's best live loss, so ASHA (``scheduler="asha"``) stops a chunk
whose best member falls behind, and that chunk's unfinished rows say ``stopped_early``.
A trial whose worker dies is run again from the start (``max_failures``): a member's
result depends only on its spec, so the re-run equals the first try.

The driver (this process) receives the rows, checkpoints as bytes, through Tune's
results and returns a :class:`~torchplay.engine.sweeps.sweep.SweepResult`; the front end writes
``--out`` from it on the machine the command was typed on. Ray is imported only inside
the functions here, so importing this module stays light.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from torchplay.engine.run.grid import Member
from torchplay.engine.sweeps.raycluster import SCHEDULERS
from torchplay.engine.sweeps.sweep import (
    MemberResult,
    SweepResult,
    chunks,
    result_of,
    train_members,
)
from torchplay.engine.train.trainer import DIVERGED, Trainer

REPORTS = 10
"""Reports per member over its run: the rungs ASHA compares members at."""


def report_every(members: list[Member]) -> int:
    """Steps between two reports: a tenth of the longest run (at least one step)."""
    return max(1, math.ceil(max(m.spec.training.steps for m in members) / REPORTS))


def train_in_segments(
    members: list[Member],
    every: int,
    report: Callable[[int, int, list[MemberResult] | None, bool], None],
    device: str = "cpu",
    keep_checkpoints: bool = False,
    rows_each_time: bool = True,
) -> list[MemberResult]:
    """Train ``members`` ``every`` steps at a time; after each segment call
    ``report(step, member_steps, rows, done)`` with one row per member (diverged and
    finished members keep their last row). Without ``rows_each_time``, rows are built only
    for the last report (they cost a pass over the data and the checkpoint bytes), and
    the others pass None. Returns the final rows, in the order given."""
    trainers = [Trainer(m.spec) for m in members]
    live = list(range(len(members)))
    step, rows = 0, []
    while True:
        step += every
        for i in live:  # this segment's target; the full spec goes back before any row
            full = members[i].spec
            target = min(step, full.training.steps)
            trainers[i].spec = full.with_overrides({"training.steps": target})
        train_members([trainers[i] for i in live], device)
        for t, m in zip(trainers, members, strict=True):
            t.spec = m.spec
        live = [
            i
            for i in live
            if trainers[i].state != DIVERGED
            and trainers[i].step_count < members[i].spec.training.steps
        ]
        rows = None
        if rows_each_time or not live:
            rows = [
                result_of(m, t, keep_checkpoints) for m, t in zip(members, trainers, strict=True)
            ]
        report(step, sum(t.step_count for t in trainers), rows, not live)
        if rows is not None and not live:
            return rows


def chunk_loss(rows: list[MemberResult]) -> float:
    """What Tune ranks a chunk by: its best loss among members that have not diverged."""
    losses = [r.loss for r in rows if not r.diverged and r.loss is not None]
    return min(losses) if losses else math.inf


def _trainable(
    config: dict, *, chunked: list[list[Member]], every: int, device: str, keep: bool, asha: bool
):
    """One Tune trial: the chunk ``config["chunk"]``, reported every ``every`` steps (with
    every member's row when ASHA may stop it there; else rows only at the end)."""
    import torch
    from ray import tune

    torch.set_num_threads(1)  # one CPU per trial: Tune runs one trial per CPU

    def report(step: int, steps: int, rows: list[MemberResult] | None, done: bool) -> None:
        loss = chunk_loss(rows) if rows is not None else math.inf
        tune.report({"step": step, "steps": steps, "loss": loss, "rows": rows, "done": done})

    train_in_segments(chunked[config["chunk"]], every, report, device, keep, asha)


@dataclass
class _Collected:
    """What the driver has heard from the trials so far (Tune calls back on its thread)."""

    rows: dict[int, list[MemberResult]] = field(default_factory=dict)
    """Latest rows of each chunk."""
    done: set[int] = field(default_factory=set)
    """Chunks that finished (or ASHA stopped)."""
    retries: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    """Chunks that failed for good, with the error's first line."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def _callback(collected: _Collected, progress: Callable[[int], None] | None):
    """A Tune callback that keeps the latest rows and advances the progress bar."""
    from ray.tune import Callback

    class Collect(Callback):
        def __init__(self) -> None:
            self.steps: dict[int, int] = {}

        def __reduce__(self):  # Tune pickles callbacks into its state file (never resumed)
            return (_unpickled, ())

        def on_trial_result(self, iteration, trials, trial, result, **info):
            chunk = trial.config["chunk"]
            if result["rows"] is not None:
                with collected.lock:
                    collected.rows[chunk] = result["rows"]
            total = result["steps"]
            if progress is not None and total > self.steps.get(chunk, 0):
                progress(total - self.steps.get(chunk, 0))
            self.steps[chunk] = total

        def on_trial_complete(self, iteration, trials, trial, **info):
            with collected.lock:
                collected.done.add(trial.config["chunk"])

        def on_trial_recover(self, iteration, trials, trial, **info):
            with collected.lock:
                collected.retries += 1
                self.steps.pop(trial.config["chunk"], None)

        def on_trial_error(self, iteration, trials, trial, **info):
            message = str(getattr(trial, "error_msg", "") or "failed").strip().splitlines()
            with collected.lock:
                collected.failed[trial.config["chunk"]] = message[-1] if message else "failed"

    return Collect()


@dataclass(frozen=True)
class RayRun:
    """A Ray sweep's result and what only the Ray backend knows."""

    result: SweepResult
    retries: int
    """Trials run again after a worker failed."""
    failed: dict[int, str]
    """Chunks that failed after every retry: chunk number -> the error's last line."""
    interrupted: bool


def run_ray(
    members: list[Member],
    *,
    chunk: int,
    scheduler: str = "none",
    max_failures: int = 1,
    device: str = "cpu",
    keep_checkpoints: bool = False,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> RayRun:
    """Run the sweep through Ray Tune on the Ray this process is connected to
    (:func:`torchplay.engine.sweeps.raycluster.connect`). Rows come back in grid order; rows of
    chunks ASHA stopped say ``stopped_early``; with ``stop`` set, only finished chunks."""
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")  # rows hold bytes
    os.environ.setdefault("TUNE_DISABLE_SIGINT_HANDLER", "1")  # Ctrl-C is the front end's
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    from ray import tune

    chunked = chunks(members, chunk)
    every = report_every(members)
    trainable = tune.with_parameters(
        _trainable,
        chunked=chunked,
        every=every,
        device=device,
        keep=keep_checkpoints,
        asha=scheduler == "asha",
    )
    if scheduler not in SCHEDULERS:
        raise ValueError(f"scheduler {scheduler!r} is not one of {SCHEDULERS}")
    sched = None
    if scheduler == "asha":
        from ray.tune.schedulers import ASHAScheduler

        sched = ASHAScheduler(
            time_attr="step",
            max_t=max(m.spec.training.steps for m in members),
            grace_period=every,
            reduction_factor=2,
        )
    collected = _Collected()
    stop = stop or threading.Event()
    storage = tempfile.mkdtemp(prefix="torchplay-tune-")
    tuner = tune.Tuner(
        trainable,
        param_space={"chunk": tune.grid_search(list(range(len(chunked))))},
        tune_config=tune.TuneConfig(metric="loss", mode="min", scheduler=sched),
        run_config=tune.RunConfig(
            name="torchplay-sweep",
            storage_path=storage,
            verbose=0,
            stop=_stopper(stop),
            callbacks=[_callback(collected, progress)],
            failure_config=tune.FailureConfig(max_failures=max_failures),
            checkpoint_config=tune.CheckpointConfig(checkpoint_at_end=False),
        ),
    )
    start = time.perf_counter()
    try:
        tuner.fit()
    finally:
        shutil.rmtree(storage, ignore_errors=True)
    wall = time.perf_counter() - start
    rows = _final_rows(chunked, collected, stop.is_set())
    steps = sum(r.step for r in rows)
    result = SweepResult(rows, steps / wall if wall > 0 else 0.0, "ray", device, wall)
    return RayRun(result, collected.retries, dict(collected.failed), stop.is_set())


def _final_rows(
    chunked: list[list[Member]], collected: _Collected, interrupted: bool
) -> list[MemberResult]:
    """Rows in grid order: every chunk's last rows, unfinished ones marked stopped_early
    (ASHA); after an interruption, only the chunks that finished."""
    out: list[MemberResult] = []
    for c, members in enumerate(chunked):
        rows = collected.rows.get(c)
        if rows is None or c in collected.failed or (interrupted and c not in collected.done):
            continue
        for m, r in zip(members, rows, strict=True):
            early = not r.diverged and r.step < m.spec.training.steps
            out.append(dataclasses.replace(r, stopped_early=early) if early else r)
    return sorted(out, key=lambda r: r.index)


def _stopper(event: threading.Event):
    """A Tune stopper that ends the whole run once ``event`` is set (Ctrl-C)."""
    from ray.tune import Stopper

    class StopAll(Stopper):
        def __call__(self, trial_id, result) -> bool:
            return False

        def stop_all(self) -> bool:
            return event.is_set()

        def __reduce__(self):  # Tune pickles it into its state file; an Event does not pickle
            return (_unpickled, ())

    return StopAll()


def _unpickled() -> None:
    """What Tune's saved state holds for the driver-only callback and stopper: this
    sweep never resumes from that state, and locks and events do not pickle."""
    return None
