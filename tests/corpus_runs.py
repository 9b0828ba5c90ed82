"""The bad-input corpus of runs (issue 23, round 3): painted points, schedules and early
stopping at and past their bounds, periodic saves, the lr finder on diverging setups,
devices and serve (crafted checkpoints: tests/corpus_metadata.py).
tests/cli/test_corpus_surfaces.py runs them in-process.

Kinds:

* ``argv``: a whole command line refused with exit 2 and one line holding ``needle``
  (placeholders: SAVE an existing checkpoint that must not change, NEW a new path,
  CORRUPT, PICKLE and BADTOML bad SOURCE files);
* ``ok``: a command line at a bound that must work (exit ``value``).
"""

from __future__ import annotations

from tests.corpus import Case


def _argv(name: str, needle: str, *args: str) -> Case:
    return Case("argv", name, needle, tuple(args))


def _ok(name: str, *args: str, code: int = 0) -> Case:
    return Case("ok", name, "", tuple(args), value=code)


# -- painted points, schedules, early stopping, periodic saves, lr-find, devices ------------

TRAIN = ("train", "--steps", "3", "--quiet")


def _train(name: str, needle: str, flags: str) -> Case:
    """``torchplay train --steps 3 --quiet FLAGS`` refused with ``needle``."""
    return _argv(name, needle, *TRAIN, *flags.split())


def _train_ok(name: str, flags: str) -> Case:
    return _ok(name, *TRAIN, *flags.split())


POINTS = [
    _argv("points-none", "expected at least one argument", *TRAIN, "--points"),
    _argv("points-nan", "data.points[0] = nan", *TRAIN, "--points", "0.5,nan"),
    _argv("points-inf", "data.points[0] = inf", *TRAIN, "--points", "inf,0"),
    _argv("points-past-float32", "at most 3.4e38", *TRAIN, "--points", "1e39,0"),
    _argv("points-one-value", "data.points[0]", *TRAIN, "--points", "0.5"),
    _argv("points-three-values", "data.points[1]", *TRAIN, "--points", "0,0", "0,0,0"),
    _argv("points-word", "'a,b'", *TRAIN, "--points", "a,b"),
    _argv("points-10001", "at most 10000", *TRAIN, "--points", *["0.5,0.5"] * 10_001),
    _argv(
        "points-class-20",
        "class must be an integer from 0 to 19",
        "train",
        "classification",
        "--points",
        "0,0,20",
    ),
    _argv(
        "points-class-negative",
        "class must be an integer",
        "train",
        "classification",
        "--points",
        "0,0,-1",
    ),
    _argv(
        "points-class-fraction",
        "data.points[0]",
        "train",
        "classification",
        "--points",
        "0,0,1.5",
    ),
    _argv("points-class-nan", "data.points[0]", "train", "classification", "--points", "0,0,nan"),
    _argv(
        "points-regression-pair-on-2d",
        "data.points[0]",
        "train",
        "classification",
        "--points",
        "0,0",
    ),
]
POINTS_OK = [
    _ok("points-one", *TRAIN, "--points", "0.5,0.5"),
    _ok("points-10000", *TRAIN, "--points", *["0.5,0.5"] * 10_000),
    _ok(
        "points-one-class",
        "train",
        "classification",
        "--steps",
        "3",
        "--quiet",
        "--points",
        "0,0,0",
    ),
    _ok("points-at-float32", *TRAIN, "--points", "3.4e38,0", "0,1", code=3),
]

SCHEDULES = [
    _train("step-every-0", "training.schedule_every = 0", "--schedule step --schedule-every 0"),
    _train(
        "step-every-past",
        "training.schedule_every = 1000000001",
        "--schedule step --schedule-every 1000000001",
    ),
    _train("step-gamma-0", "training.schedule_gamma = 0", "--schedule step --schedule-gamma 0"),
    _train("step-gamma-1", "training.schedule_gamma = 1", "--schedule step --schedule-gamma 1"),
    _train("step-gamma-neg", "training.schedule_gamma", "--schedule step --schedule-gamma -0.5"),
    _train(
        "exp-decay-0", "training.schedule_decay = 0", "--schedule exponential --schedule-decay 0"
    ),
    _train(
        "exp-decay-past-1",
        "training.schedule_decay",
        "--schedule exponential --schedule-decay 1.0000001",
    ),
    _train(
        "exp-decay-nan", "training.schedule_decay", "--schedule exponential --schedule-decay nan"
    ),
    _train(
        "cos-period-neg", "training.schedule_period = -1", "--schedule cosine --schedule-period -1"
    ),
    _train(
        "cos-period-past",
        "training.schedule_period",
        "--schedule cosine --schedule-period 1000000001",
    ),
    _train(
        "cos-min-lr-at-lr",
        "must be below training.lr",
        "--schedule cosine --lr 0.1 --schedule-min-lr 0.1",
    ),
    _train("cos-min-lr-inf", "training.schedule_min_lr", "--schedule cosine --schedule-min-lr inf"),
    _train(
        "plateau-patience-0",
        "training.schedule_patience = 0",
        "--schedule plateau --schedule-patience 0",
    ),
    _train(
        "plateau-min-lr-over",
        "must be below training.lr",
        "--schedule plateau --lr 0.1 --schedule-min-lr 1",
    ),
    _train("patience--1", "training.patience", "--patience -1"),
    _train("patience-past", "training.patience", "--patience 100000001"),
    _train("patience-word", "--patience", "--patience ten"),
    _train("min-delta-nan", "training.min_delta", "--min-delta nan"),
    _train("min-delta-inf", "training.min_delta", "--min-delta inf"),
]
SCHEDULES_OK = [
    _train_ok("step-every-1", "--schedule step --schedule-every 1"),
    _train_ok("step-every-max", "--schedule step --schedule-every 1000000000"),
    _train_ok("step-gamma-tiny", "--schedule step --schedule-every 1 --schedule-gamma 1e-300"),
    _train_ok("exp-decay-1", "--schedule exponential --schedule-decay 1"),
    _train_ok("exp-decay-tiny", "--schedule exponential --schedule-decay 1e-300"),
    _train_ok("cos-period-0", "--schedule cosine --schedule-period 0"),
    _train_ok("cos-period-1", "--schedule cosine --schedule-period 1"),
    _train_ok("plateau-patience-1", "--schedule plateau --schedule-patience 1"),
    _train_ok("patience-0-off", "--patience 0"),
    _train_ok("patience-1", "--patience 1 --min-delta 1e6"),
]

SAVES = [
    _argv(
        "save-every-0",
        "--save-every 0: must be 1 or more",
        *TRAIN,
        "--save-every",
        "0",
        "--save",
        "SAVE",
    ),
    _argv("save-every--1", "--save-every -1", *TRAIN, "--save-every", "-1", "--save", "SAVE"),
    _argv("save-every-no-save", "--save-every needs --save", *TRAIN, "--save-every", "5"),
    _argv("save-every-word", "--save-every", *TRAIN, "--save-every", "often", "--save", "SAVE"),
    _argv("save-best-device", "is a device", *TRAIN, "--save-best", "/dev/null"),
    _argv("csv-device", "is a device", *TRAIN, "--csv", "/dev/null"),
    _argv("metrics-proc", "/proc", *TRAIN, "--metrics", "/proc/x.jsonl"),
    _argv("tensorboard-on-save", "is a file, not a folder", *TRAIN, "--tensorboard", "SAVE"),
]
SAVES_OK = [
    _ok("save-every-1", *TRAIN, "--save-every", "1", "--save", "NEW"),
    _ok("save-every-huge", *TRAIN, "--save-every", "1000000000000", "--save", "NEW"),
]

LR_FIND = [
    _argv("lr-find-min-over-max", "--min-lr", "lr-find", "--min-lr", "1", "--max-lr", "0.1"),
    _argv("lr-find-min-0", "--min-lr", "lr-find", "--min-lr", "0"),
    _argv("lr-find-max-nan", "--max-lr", "lr-find", "--max-lr", "nan"),
    _argv("lr-find-steps-19", "--num-steps", "lr-find", "--num-steps", "19"),
    _argv("lr-find-steps-10001", "--num-steps", "lr-find", "--num-steps", "10001"),
    _argv("lr-find-bad-spec", "training.lr", "lr-find", "--lr", "-1"),
]
LR_FIND_OK = [  # diverging setups: a plain answer, exit 0
    _ok(
        "lr-find-diverges-at-once",
        "lr-find",
        "--min-lr",
        "1",
        "--max-lr",
        "1e6",
        "--num-steps",
        "20",
    ),
    _ok(
        "lr-find-diverges-json",
        "lr-find",
        "--min-lr",
        "100",
        "--max-lr",
        "1e9",
        "--num-steps",
        "20",
        "--json",
    ),
    _ok(
        "lr-find-sgd-huge",
        "lr-find",
        "classification",
        "--min-lr",
        "10",
        "--max-lr",
        "1e12",
        "--num-steps",
        "20",
    ),
]

DEVICES = [
    _argv("train-cuda", "--device cuda", "train", "--device", "cuda", "--steps", "1"),
    _argv("sweep-cuda", "--device cuda", "sweep", "--device", "cuda", "--grid", "training.lr=0.1"),
    _argv("train-tpu", "invalid choice: 'tpu'", "train", "--device", "tpu"),
    _argv("sweep-cuda-0", "invalid choice: 'cuda:0'", "sweep", "--device", "cuda:0"),
]

PREDICT = [
    _argv(
        "predict-csv-dev-zero",
        "line 1: longer than 65,536",
        "predict",
        "SAVE",
        "--csv",
        "/dev/zero",
    ),
    _argv("predict-csv-dev-null-dir", "Is a directory", "predict", "SAVE", "--csv", "/"),
    _argv(
        "train-csv-dev-zero",
        "does not exist or is not a file",
        "train",
        "--dataset",
        "csv:/dev/zero",
    ),
    _argv(
        "train-csv-fifo-proc",
        "does not exist or is not a file",
        "train",
        "--dataset",
        "csv:/proc/self/fd/0",
    ),
]

SERVE = [
    _argv("serve-port-0", "--port 0", "serve", "--port", "0"),
    _argv("serve-port-65536", "--port 65536", "serve", "--port", "65536"),
    _argv("serve-port-negative", "--port -1", "serve", "--port", "-1"),
    _argv("serve-port-word", "--port", "serve", "--port", "http"),
    _argv("serve-host-unknown", "--host 'nope.invalid'", "serve", "--host", "nope.invalid"),
    _argv("serve-host-bad-ip", "--host '256.1.1.1'", "serve", "--host", "256.1.1.1"),
    _argv("serve-source-missing", "does not exist", "serve", "none.safetensors"),
    _argv("serve-source-corrupt", "truncated or corrupt", "serve", "CORRUPT"),
    _argv("serve-source-pickle", "torchplay import", "serve", "PICKLE"),
    _argv("serve-source-bad-toml", "invalid TOML", "serve", "BADTOML"),
]


RUNS = POINTS + SCHEDULES + SAVES + LR_FIND + DEVICES + SERVE + PREDICT
"""Every refused command line."""
RUNS_OK = POINTS_OK + SCHEDULES_OK + SAVES_OK + LR_FIND_OK
"""Every command line at a bound."""
