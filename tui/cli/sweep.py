"""``torchplay sweep``: train a grid of runs at once and rank them (headless, no textual).

Bad grids, devices and output folders are refused before any work starts (exit 2, one
line). The training itself is :func:`torchplay.engine.sweeps.sweep.run_local`; this module
only adds the progress bar, the ranked table, the heatmap and the output files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from torchplay.engine.run.errors import EXIT_BUG, EXIT_DIVERGED, EXIT_OK, UserError
from torchplay.engine.run.grid import Axis, members, parse_grid
from torchplay.engine.run.source import resolve
from torchplay.engine.run.spec import SpecError
from torchplay.tui.cli import search as searching
from torchplay.tui.cli.flags import add_spec_flags, spec_overrides
from torchplay.tui.cli.interrupts import Interrupts
from torchplay.tui.cli.raysweep import add_arguments as add_ray_arguments
from torchplay.tui.cli.sweepplan import add_arguments as add_plan_arguments
from torchplay.tui.cli.sweepplan import plan_of, state_text
from torchplay.tui.draw.plotting import for_stream, log_range, shade
from torchplay.tui.draw.progress import fmt

BACKENDS = ("local", "ray")
"""Where a sweep can run: this process, or a Ray cluster (tui/cli/raysweep.py)."""


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The ``sweep`` subcommand's arguments (the front door makes the parser)."""
    s.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="scenario or FILE.toml (its [sweep] table, if any, is the grid)",
    )
    s.add_argument(
        "--grid",
        action="append",
        default=None,
        metavar="KEY=V1,V2",
        help="a spec key and its values; repeat for a product. Integers take a..b, "
        "floats lo:hi:n (log spaced), model.hidden widths like 32x16 or none. Adds to "
        "FILE.toml's [sweep] table; a key the table has gets these values instead",
    )
    s.add_argument("--steps", type=int, metavar="N", help="steps per member (default: the spec's)")
    s.add_argument("--out", metavar="DIR", help="write a checkpoint per member and sweep.json")
    s.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    s.add_argument(
        "--plot",
        action="store_true",
        help="parallel coordinates, slice plots and importance (and a heatmap for 2 keys)",
    )
    s.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="where to train")
    s.add_argument(
        "--backend",
        default="local",
        choices=list(BACKENDS),
        help="local: in this process; ray: on a Ray cluster through Ray Tune",
    )
    s.add_argument("--quiet", action="store_true", help="print only the result")
    searching.add_arguments(s)
    add_spec_flags(s, skip=("--steps",))  # every member's spec; --seed stays the data seed
    add_ray_arguments(s)
    add_plan_arguments(s)


class _Bar:
    """A rich progress bar over model-steps."""

    def __init__(self, total: int, members: int, file=None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn(f"[bold]sweep[/bold] {members} members"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("model-steps"),
            TimeRemainingColumn(),
            console=Console(file=file, stderr=file is None),
        )
        self.task = self.progress.add_task("sweep", total=total)
        self.progress.start()

    def __call__(self, done: int) -> None:
        self.progress.advance(self.task, done)

    def close(self) -> None:
        self.progress.stop()


def table(result, axes: list[Axis]) -> str:
    """The ranked table (best loss first) as text, rendered by rich."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from torchplay.engine.sweeps.sweep import ranked

    rows = result.rows
    metric = "accuracy" if any(r.accuracy is not None for r in rows) else "r2"
    has_test = any(r.test_loss is not None for r in rows)
    t = Table(box=box.SIMPLE_HEAD)
    for col in ["#", *(a.key for a in axes), "train_loss"]:
        t.add_column(col, justify="right")
    if has_test:
        t.add_column("test_loss", justify="right")
    t.add_column(metric, justify="right")
    t.add_column("state")
    for r in ranked(rows):
        cells = [str(r.index), *(_text(r.overrides[a.key]) for a in axes)]
        cells.append(fmt(r.train_loss))
        if has_test:
            cells.append(fmt(r.test_loss))
        cells.append(fmt(r.accuracy if metric == "accuracy" else r.r2))
        cells.append(
            f"diverged at {r.diverged_at}"
            if r.diverged
            else f"stopped early at {r.step}"
            if r.stopped_early
            else state_text(r)
        )
        t.add_row(*cells)
    console = Console(width=max(80, 12 * (len(axes) + 5)), record=True, force_terminal=False)
    with console.capture() as cap:
        console.print(t)
    return cap.get().rstrip()


SHADES = " ░▒▓█"
"""Cell shades from the best loss (blank) to the worst (full)."""


def heatmap(result, axes: list[Axis]) -> str:
    """A text heatmap of the final loss over two grid keys: shade by log10 loss, value
    in each cell, diverged cells marked ``div``."""
    a, b = axes
    cell = {(_text(r.overrides[a.key]), _text(r.overrides[b.key])): r for r in result.rows}
    ra = list(dict.fromkeys(_text(v) for v in a.values))  # texts: a list is no dict key
    rb = list(dict.fromkeys(_text(v) for v in b.values))
    lo, hi = log_range([r.loss for r in result.rows if not r.diverged])
    width = max(11, *(len(v) + 1 for v in ra))
    label = max(len(b.key), *(len(v) for v in rb))
    lines = [f"final loss by {a.key} (across) and {b.key} (down); darker is worse"]
    lines.append(" " * label + " " + "".join(" " + v.rjust(width) for v in ra))
    for vb in rb:
        row = []
        for va in ra:
            r = cell.get((va, vb))
            if r is None or r.loss is None or r.diverged:
                row.append(" " + ("div" if r is not None and r.diverged else "-").rjust(width))
                continue
            glyph = SHADES[shade(r.loss, lo, hi, len(SHADES))]
            row.append(" " + f"{glyph * 2} {r.loss:.2e}".rjust(width))
        lines.append(vb.rjust(label) + " " + "".join(row))
    return "\n".join(lines)


def _text(value) -> str:
    """A grid value as ``--grid`` writes it: ``tanh``, ``0.05``, ``true``, ``8x8``, ``none``."""
    if isinstance(value, list | tuple):
        return "x".join(map(str, value)) or "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run ``torchplay sweep``; returns the exit code."""
    from torchplay.engine.files.atomic import check_folder, make_folder
    from torchplay.engine.sweeps.search import run_search
    from torchplay.engine.sweeps.sweep import check_device, check_memory, run_local, write_outputs
    from torchplay.tui.cli import raysweep

    if args.out is not None:
        check_folder(args.out, "--out")  # before any member trains
    searching.check_backend(args.search, args.backend)  # before Ray is imported
    raysweep.check_arguments(args)
    source = resolve(args.source)
    base = source.spec.with_overrides(spec_overrides(args))
    if args.steps is not None:
        try:
            base = base.with_overrides({"training.steps": args.steps})
        except SpecError as exc:
            raise UserError(f"--steps {args.steps}: {exc.allowed}") from None
    where = f"{args.source} [sweep]" if args.source.endswith(".toml") else "[sweep]"
    search = searching.plan(args, source, base, where)
    if search is None:
        axes = parse_grid(args.grid or [], base, source.sweep, where)
        grid = members(axes, base)
        check_memory(grid, args.out is not None)
        total, count = sum(m.spec.training.steps for m in grid), len(grid)
    else:  # a search: its batches are checked as they come
        axes, grid = searching.axes_of(search), []
        total, count = searching.model_steps(search, base), search.trials
    plan = plan_of(args, count)
    device = check_device(args.device)

    def make_bar(file):
        if args.json or args.quiet or not file.isatty():
            return None
        return _Bar(total, count, file)

    ray_info, failures = None, []
    with Interrupts() as interrupts:
        if args.backend == "ray":
            result, ray_info, failures = raysweep.run(args, grid, device, interrupts.stop, make_bar)
        else:
            bar = make_bar(sys.stderr)
            try:
                keep = args.out is not None
                if search is None:
                    result = run_local(grid, device, keep, bar, interrupts.stop, plan=plan)
                else:
                    result = run_search(search, base, device, keep, bar, interrupts.stop, plan=plan)
            finally:
                if bar is not None:
                    bar.close()
        extra = {"ray": ray_info} if ray_info else {}
        if search is not None:
            extra["search"] = search.to_json()
        if plan.active:
            extra["plan"] = plan.describe()
        paths = {}
        if args.out:
            with interrupts.saving(args.out):
                make_folder(args.out, "--out")  # checked before work, made when written
                paths = write_outputs(result, args.out, extra)
    for line in failures:
        print(f"torchplay: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(paths) | extra))
    else:
        print(for_stream(table(result, axes), sys.stdout))
        diverged = sum(r.diverged for r in result.rows)
        print(
            f"{len(result.rows)} {'trials' if search else 'members'}, {diverged} diverged, "
            f"{result.model_steps_per_s:,.0f} model-steps/s, {result.wall_s:.2f} s "
            f"({result.backend}, {result.device}"
            + (f", {searching.summary(search)})" if search else ")")
        )
        if args.out:
            print(f"saved {len(paths)} checkpoints and {Path(args.out) / 'sweep.json'}")
        if args.plot:
            from torchplay.tui.cli.sweepplots import plots

            print(for_stream(plots(result, [a.key for a in axes]), sys.stdout))
            if len(axes) == 2 and search is None:  # a search's values are not a grid
                print(for_stream(heatmap(result, axes), sys.stdout))
    if interrupts.code is not None:
        return interrupts.code
    if failures:
        return EXIT_BUG
    everyone_diverged = bool(result.rows) and all(r.diverged for r in result.rows)
    return EXIT_DIVERGED if everyone_diverged else EXIT_OK
