"""Headless command handlers: train, resume, import, export (predict and info: tui/cli/reading.py).

Each returns an exit code; bad input raises an error whose message :func:`torchplay.tui.cli.main.main`
prints as one line (exit 2, :mod:`torchplay.engine.run.errors`).
"""

from __future__ import annotations

import json
import math
import sys

from torchplay.engine.run.errors import EXIT_DIVERGED, EXIT_OK, UserError
from torchplay.engine.run.source import resolve
from torchplay.engine.run.spec import ACTIVATIONS, MAX_STEPS
from torchplay.tui.cli.flags import spec_overrides
from torchplay.tui.cli.interrupts import Interrupts
from torchplay.tui.cli.periodic import PeriodicSaver
from torchplay.tui.draw.progress import fmt


def check_outputs(args, *flags: str) -> None:
    """Refuse every output path among ``flags`` before any work is done, not after it
    (``--tensorboard`` names a folder; the others name files)."""
    from torchplay.engine.files.atomic import check_folder, check_target

    for flag in flags:
        path = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if path is not None:
            (check_folder if flag == "--tensorboard" else check_target)(path, flag)


def result(trainer, checkpoint: str | None) -> dict:
    """The result object that ``--json`` prints."""
    from torchplay.engine.files import checkpoint as checkpoint_module

    snap = trainer.snapshot()
    out = {
        "step": snap.step,
        "state": snap.state,
        "train_loss": snap.train_loss,
        "test_loss": snap.test_loss,
        "params": trainer.params,
        "checkpoint": checkpoint,
        "weights_sha256": checkpoint_module.weights_sha256(trainer),
        "diverged": snap.state == "diverged",
        "diverged_at": snap.diverged_at,
        "steps_per_s": round(snap.steps_per_s, 1),
        "lr": snap.lr,
        "lr_now": trainer.lr_now,
        "spec_lr": trainer.spec.training.lr,
        "stopped_early": snap.state == "stopped_early",
        "best_step": trainer.best.step if trainer.best is not None else None,
        "fast_path": trainer.stepper.fused,
        "fast_path_why": trainer.autograd_why,
        "kernel": trainer.kernel,
        "kernel_why": trainer.kernel_why,
    }
    out["accuracy" if trainer.task == "classification" else "r2"] = (
        snap.accuracy if trainer.task == "classification" else snap.r2
    )
    return out


def _print_result(res: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(res))
        return
    metric = "accuracy" if "accuracy" in res else "r2"

    state = f"{res['state']} at step {res['step']}"
    if res["diverged"]:
        state = (
            f"diverged at step {res['diverged_at']} (kept the weights of step {res['step']}; "
            "lower --lr)"
        )
    elif res["stopped_early"]:
        state = f"stopped early at step {res['step']} (the weights of step {res['best_step']})"
    line = (
        f"{state}: train_loss {fmt(res['train_loss'])}  "
        f"test_loss {fmt(res['test_loss'])}  {metric} {fmt(res[metric])}  "
        f"params {res['params']}"
    )
    print(line + ("  kernel compiled" if res["kernel"] == "compiled" else ""))
    if res["checkpoint"]:
        print(f"saved {res['checkpoint']}")


def _loggers(trainer, args, grad_norms: dict | None = None) -> list:
    """The metric loggers the flags ask for (their files are checked by the caller,
    :func:`check_outputs`, before any work); ``grad_norms``: see :func:`_health_every`."""
    from torchplay.engine.files import loggers

    if args.tensorboard and not loggers.tensorboard_available():
        raise UserError(
            "--tensorboard needs the tensorboard package: pip install 'torchplay[tensorboard]'"
        )
    out = []
    for path, cls in (
        (args.metrics, loggers.JsonlLogger),
        (args.csv, loggers.CsvLogger),
        (args.tensorboard, loggers.TensorBoardLogger),
    ):
        if path:
            try:
                out.append(cls(path, trainer.spec, trainer.task, grad_norms=grad_norms))
            except BaseException:
                for made in out:  # the files opened so far go back to how they were
                    made.abandon()
                raise
    return out


def _health_every(args):
    """``--health-every N``'s recorder (:class:`~torchplay.engine.train.health.Recorder`)."""
    from torchplay.engine.train.health import Recorder

    every = getattr(args, "health_every", None)
    if every is not None and every < 1:
        raise UserError(f"--health-every {every}: must be 1 or more")
    if every is not None and not (args.metrics or args.csv or args.tensorboard):
        raise UserError("--health-every needs --metrics, --csv or --tensorboard to write to")
    return Recorder(every or 0)


def _close_all(observers: list, failing: bool = False) -> None:
    """Close every observer, then raise the first close that failed (a logger whose disk
    filled up rolls its own file back first: engine/files/loggers.py); ``failing``: the
    run is already raising, so a second error is dropped for the first."""
    errors = []
    for obs in observers:
        try:
            obs.close()
        except Exception as exc:  # noqa: BLE001 - raised below, after the others closed
            errors.append(exc)
    if errors and not failing:
        raise errors[0]


def _train(trainer, args, steps: int | None, interrupts: Interrupts) -> int:
    """Run with progress, signals and outputs; shared by train and resume."""
    from torchplay.engine.files import checkpoint
    from torchplay.engine.train.threads import configure_threads

    configure_threads(trainer)
    asked = trainer.spec.training.kernel
    if asked != "exact" and not args.quiet and (asked == "auto" or trainer.kernel != asked):
        print(f"kernel {asked}: {trainer.kernel} ({trainer.kernel_why})", file=sys.stderr)
    total = trainer.target(steps)
    health = _health_every(args)
    observers = _loggers(trainer, args, health.norms)
    if observers:  # every recorded step logged, as the history records it, never thinned
        trainer.history.tap = []
    if not args.quiet and not args.json:
        from torchplay.tui.draw.progress import PlainProgress, RichProgress

        observers.append(
            RichProgress(total, trainer.step_count) if sys.stdout.isatty() else PlainProgress(total)
        )
    saver = PeriodicSaver(trainer, args, interrupts)
    every = math.gcd(saver.every, health.every)

    def at_every(trainer) -> None:
        if health.every and trainer.step_count % health.every == 0:
            health(trainer)
        if saver.every and trainer.step_count % saver.every == 0:
            saver(trainer)

    if health.every and trainer.step_count % health.every == 0:
        health(trainer)  # the start, as the history's first point
    try:
        trainer.run(
            steps=steps,
            observers=observers,
            interval=0.25,
            stop=interrupts.stop,
            every=every,
            at_every=at_every,
        )
    except BaseException:
        _close_all(observers, failing=True)
        raise
    _close_all(observers)
    saver.finish()
    if args.save:
        with interrupts.saving(args.save):
            checkpoint.save(trainer, args.save, "--save")
    res = result(trainer, args.save)
    _print_result(res, args.json)
    if args.plot:  # --plot --json is refused by the front door
        from torchplay.tui.cli.textplots import print_charts

        print_charts(trainer)
    if interrupts.code is not None:
        return interrupts.code
    return EXIT_DIVERGED if res["diverged"] else EXIT_OK


def cmd_train(args) -> int:
    from torchplay.engine.sweeps.sweep import check_device, train_members
    from torchplay.engine.train.trainer import Trainer

    with Interrupts() as interrupts:  # from the start: a signal during setup stops at step 0
        check_outputs(args, "--save", "--save-best", "--metrics", "--csv", "--tensorboard")
        spec = resolve(args.source).spec
        device = check_device(args.device)
        trainer = Trainer(spec.with_overrides(spec_overrides(args)))
        if device == "cuda":
            # The population engine runs one member on the GPU; _train then reports and saves.
            train_members([trainer], "cuda", stop=interrupts.stop)
            return _train(trainer, args, 0, interrupts)
        return _train(trainer, args, None, interrupts)


def cmd_lr_find(args) -> int:
    from torchplay.engine.train.lrfind import check_range, lr_find
    from torchplay.engine.train.threads import configure_threads_for

    check_range(args.min_lr, args.max_lr, args.num_steps)
    spec = resolve(args.source).spec.with_overrides(spec_overrides(args))
    configure_threads_for(0)
    test = lr_find(spec, args.min_lr, args.max_lr, args.num_steps)
    if args.json:
        print(json.dumps(test.to_json()))
        return EXIT_OK
    if args.plot:
        from torchplay.tui.cli.textplots import lr_find_chart, show

        show(lr_find_chart(test))
    if not test.lrs:
        print(f"no suggestion: the loss diverged at once; lower --min-lr ({args.min_lr:g})")
        return EXIT_OK
    end = "diverged" if test.diverged else "reached --max-lr"
    tried = f"{len(test.lrs)} lrs from {test.lrs[0]:.3g} to {test.lrs[-1]:.3g} ({end})"
    if test.suggested_lr is None:
        print(f"no suggestion: {tried}; too few points, widen --min-lr/--max-lr")
    else:
        print(f"suggested lr {test.suggested_lr:.3g}: {tried}")
    return EXIT_OK


def cmd_resume(args) -> int:
    from torchplay.engine.files import checkpoint

    with Interrupts() as interrupts:
        check_outputs(args, "--save", "--save-best", "--metrics", "--csv", "--tensorboard")
        if args.steps is not None and not 0 <= args.steps <= MAX_STEPS:
            raise UserError(f"--steps {args.steps}: must be from 0 to {MAX_STEPS}")
        trainer = checkpoint.restore(args.checkpoint)
        return _train(trainer, args, args.steps, interrupts)


def cmd_import(args) -> int:
    from torchplay.engine.files import checkpoint, interop
    from torchplay.engine.run.modelspec import parse_dropout
    from torchplay.engine.run.scenarios import get_scenario

    check_outputs(args, "--save")
    base = get_scenario(args.scenario) if args.scenario else None
    if any(a not in ACTIVATIONS for a in args.activation.split(",")):
        raise UserError(
            f"--activation {args.activation!r}: use one of {', '.join(ACTIVATIONS)}, "
            "or one per hidden layer: relu,tanh"
        )
    model = {}
    if args.dropout is not None:
        model["model.dropout"] = parse_dropout(args.dropout)
    if args.norm is not None:
        model["model.norm"] = args.norm
    if args.residual is not None:
        model["model.residual"] = args.residual
    trainer = interop.import_file(args.file, args.activation, base, model)
    checkpoint.save(trainer, args.save, "--save")
    print(
        f"imported {args.file} as {trainer.spec.name}: "
        f"{'-'.join(map(str, [trainer.data.n_inputs, *trainer.spec.model.hidden, trainer.data.n_outputs]))} "
        f"{trainer.spec.model.activation}; saved {args.save}"
    )
    return EXIT_OK


def cmd_export(args) -> int:
    from torchplay.engine.files import checkpoint, exporting

    name = exporting.ALIASES.get(args.format, args.format)
    if name != args.format:
        print(
            f"torchplay: warning: --format {args.format} is now called {name}; use --format {name}",
            file=sys.stderr,
        )
    check_outputs(args, "--out")
    trainer = checkpoint.restore(args.checkpoint)
    exporting.export(trainer, name, args.out)
    print(f"exported {args.checkpoint} as {name} to {args.out}")
    if trainer.spec.data.features and name in ("state-dict", "safetensors"):
        print(
            f"input features: {','.join(trainer.spec.data.features)}: compute them from the "
            "raw inputs before the network (the file's metadata says so too)"
        )
    return EXIT_OK
