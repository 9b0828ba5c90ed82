"""The shared bad-input corpus: one table of what a user can get wrong, by where it enters.

Every case is refused the same way wherever it arrives: the command line exits 2 with one
line on stderr naming the value (no traceback, nothing on stdout, no file changed), the
engine raises an ``InputError``, the app marks it inline and keeps running. The CLI tests
(tests/cli/test_bad_input.py), the spec tests (tests/engine/test_spec.py) and the app
tests (tests/tui/test_app.py) all parametrize over :data:`CORPUS` through :func:`params`.

Kinds:

* ``value``: a flag's text on ``torchplay train`` (and ``panel``: the app field that takes
  the same text);
* ``spec``: a dotted spec field set to a Python value (``Spec.with_overrides``);
* ``toml``: a spec file's text;
* ``csv``: a data file's text or bytes (``None``: missing);
* ``stdin``: the bytes piped into ``torchplay predict CKPT -``;
* ``import``: a file for ``torchplay import``, built by ``make(tmp_path)``;
* ``checkpoint``: a crafted checkpoint, built by ``make(tmp_path)`` (info, predict,
  resume, export and the app's engine refuse it, naming the field);
* ``target``: an output path that cannot be written, built by ``make(tmp_path)`` (every
  ``--save``, ``--metrics``, ``--out`` and the app's save dialog refuse it before work);
* ``app``: ``torchplay tui``/``compare`` ARGS FILE run without a terminal (FILE built by
  ``make(tmp_path)``): refused, file first, before Textual is imported.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.corpus_case import Case, _write

SLOW = {"history-2M-points"}
"""Cases that take seconds (two million history points written and parsed): marked slow."""


def params(*kinds: str) -> list:
    """The corpus cases of these kinds, as pytest params with readable ids."""
    return [
        pytest.param(c, id=f"{c.kind}:{c.name}", marks=[pytest.mark.slow] * (c.name in SLOW))
        for c in CORPUS
        if c.kind in kinds
    ]


def _value(flag: str, text: str, needle: str | None = None, panel: str | None = None) -> Case:
    return Case("value", f"{flag}={text}", needle or text, (flag, text), panel)


VALUES = [
    _value("--lr", "0", "0.0", "lr"),
    _value("--lr", "-1", panel="lr"),
    _value("--lr", "nan", panel="lr"),
    _value("--lr", "inf", panel="lr"),
    _value("--lr", "abc", panel="lr"),
    _value("--hidden", "", "''"),  # the panel's empty hidden field means none
    _value("--hidden", "0", panel="hidden"),
    _value("--hidden", "10,,5", panel="hidden"),
    _value("--hidden", "-3", panel="hidden"),
    _value("--hidden", "1e9", panel="hidden"),
    _value("--steps", "-1"),
    _value("--samples", "0", "data.samples = 0", "samples"),
    _value("--samples", "1000000000", panel="samples"),
    _value("--dataset", "mnist"),
    _value("--activation", "swish"),
    _value("--optimizer", "lbfgs"),
    _value("--batch-size", "101", panel="batch_size"),
    _value("--seed", "-1", panel="seed"),
    _value("--features", "x3", panel="features"),
    _value("--features", "x2", "data.features = 'x2': needs 2 inputs"),  # regression is 1-D
    _value("--features", "x1,x1", "each feature at most once"),
    _value("--l1", "-0.1", panel="l1"),
    _value("--l2", "nan", panel="l2"),
    _value("--l2", "abc"),
    _value("--points", "1,2,3", "data.points[0]"),  # regression points are x,y
    _value("--points", "0.1,abc", "'0.1,abc'"),
    _value("--schedule", "linear"),
    _value("--schedule-every", "0"),
    _value("--schedule-gamma", "1"),
    _value("--schedule-gamma", "nan"),
    _value("--schedule-decay", "0"),
    _value("--schedule-period", "-1"),
    _value("--schedule-patience", "0"),
    _value("--schedule-min-lr", "-1"),
    _value("--patience", "-5"),
    _value("--min-delta", "-0.1"),
    Case("value", "--plot --json", "--plot draws charts", ("--plot", "--json")),
]

SPEC_FIELDS = [
    ("data.dataset", "nope"),
    ("data.samples", 0),
    ("data.samples", 10**9),
    ("data.samples", 1.5),
    ("data.noise", -1.0),
    ("data.noise", float("nan")),
    ("data.test_fraction", 0.95),
    ("data.seed", -1),
    ("data.classes", 1),
    ("data.target", ""),
    ("data.task", "ranking"),
    ("data.extrapolate", -1.0),
    ("model.hidden", [0]),
    ("model.hidden", [10**9]),
    ("model.hidden", "10"),
    ("model.activation", "swish"),
    ("training.optimizer", "lbfgs"),
    ("training.lr", 0),
    ("training.lr", -1),
    ("training.lr", float("inf")),
    ("training.lr", "abc"),
    ("training.momentum", 1.0),
    ("training.nesterov", "yes"),
    ("training.weight_decay", -1.0),
    ("training.batch_size", -1),
    ("training.steps", -1),
    ("training.loss", "hinge"),
    ("training.fast_path", 1),
    ("training.l1", -1.0),
    ("training.l2", float("inf")),
    ("training.schedule", "warmup"),
    ("training.schedule", 1),
    ("training.schedule_every", 0),
    ("training.schedule_every", 2.5),
    ("training.schedule_gamma", 0.0),
    ("training.schedule_gamma", True),
    ("training.schedule_decay", 1.5),
    ("training.schedule_period", -1),
    ("training.schedule_min_lr", float("nan")),
    ("training.schedule_patience", 0),
    ("training.patience", -1),
    ("training.patience", 1.5),
    ("training.min_delta", -1.0),
    ("data.features", ["x1", "tanx1"]),
    ("data.test_split", "sideways"),
    ("data.test_split", 1),
    ("data.features", "x1sq,x2sq"),  # the regression default is 1-D
    ("data.features", 3),
    ("data.points", [[0.0, 1.0], [0.5]]),
    ("data.points", [[0.0, float("nan")]]),
    ("data.points", "0,1"),
    ("data.points", [[0.0, 1.0]] * 10_001),
    ("training.bogus", 1),
    ("nosection.x", 1),
    ("name", "x" * 201),
    ("name", 5),
]
SPECS = [Case("spec", f"{f}={v!r}", f, field=f, value=v) for f, v in SPEC_FIELDS]

TOMLS = [
    Case("toml", "syntax", "invalid TOML", value="[data\nsamples = 3\n"),
    Case("toml", "unknown-key", "samplez", value="[data]\nsamplez = 3\n"),
    Case("toml", "wrong-type", "many", value='[data]\nsamples = "many"\n'),
    Case("toml", "bool-lr", "True", value="[training]\nlr = true\n"),
    Case("toml", "unknown-section", "nonsense", value="[nonsense]\nx = 1\n"),
    Case("toml", "unknown-scenario", "scenario", value='scenario = "nope"\n'),
    Case(
        "toml",
        "cosine-min-lr",
        "must be below training.lr",
        value='[training]\nlr = 0.1\nschedule = "cosine"\nschedule_min_lr = 0.5\n',
    ),
    Case(
        "toml",
        "painted-class",
        "data.points[1]",
        value='scenario = "classification"\n[[data.points]]\nx1 = 0.0\nx2 = 1.0\nclass = 0\n'
        "[[data.points]]\nx1 = 0.5\nx2 = 1.0\nclass = 1.5\n",
    ),
    Case("toml", "painted-keys", "data.points[0]", value="[[data.points]]\nx = 0.0\nz = 1\n"),
    Case(
        "toml",
        "features-1d",
        "x1x2",
        value='[data]\ndataset = "sine"\nfeatures = ["x1", "x1x2"]\n',
    ),
    Case("toml", "nested-deep", "nested too deeply", value="a = " + "[" * 5000 + "]" * 5000),
]

CSVS = [
    Case("csv", "missing", "does not exist", value=None),
    Case("csv", "empty", "empty", value=""),
    Case("csv", "header-only", "no data rows", value="a,b\n"),
    Case("csv", "word", "'x'", value="1,2\n3,x\n"),
    Case("csv", "short-row", "line 2", value="1,2\n3\n"),
    Case("csv", "nan", "'nan'", value="1,nan\n2,3\n"),
    Case("csv", "inf", "'inf'", value="1,inf\n2,3\n"),
    Case("csv", "float32-overflow", "overflows float32", value="1,2\n3,1e39\n"),
    Case("csv", "not-utf8", "not UTF-8", value=b"a,b\n1,2\n3,\xe94\n"),
    Case("csv", "binary", "not UTF-8", value=bytes(range(256)) * 8),
    Case("csv", "nul-byte", "line 2", value=b"1,2\n3,\x004\n"),
    Case("csv", "columns-1001", "1,001 columns, at most 1,000", value="1," * 1000 + "1\n" * 2),
    Case(  # numpy once sized its buffer for 1,000,001 rows of this: 373 GiB
        "csv", "columns-100k", "100,000 columns, at most 1,000", value=("1," * 99_999 + "1\n") * 20
    ),
]

STDINS = [  # rows for `predict CKPT -` (a one-input network)
    Case("stdin", "binary", "line 3: binary bytes", value=bytes(range(256)) * 8),
    Case("stdin", "not-utf8", "line 3: not UTF-8", value=b"1\n2\n\xe9\n"),
    Case("stdin", "nul-byte", "line 2: binary bytes", value=b"1\n\x002\n"),
    Case("stdin", "nan", "'nan'", value=b"1\nnan\n"),
    Case("stdin", "float32-overflow", "'1e39'", value=b"1\n1e39\n"),
    Case("stdin", "two-values", "2 values", value=b"x\n1,2\n"),
    Case("stdin", "endless-line", "line 2: longer than 65,536", value=b"1\n" + b"\0" * 70_000),
    Case("stdin", "long-line", "line 1: longer than 65,536", value=b"1," * 40_000 + b"\n"),
]
"""Closed stdin is tested in tests/cli/test_streams.py (it needs a process without fd 0)."""


# -- output targets (--save, --metrics, --out, the app's save dialog) ---------------------


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "fifo")
    return folder / "fifo"


def _socket(folder: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock"))
    _SOCKETS.append(sock)  # kept open for the test's lifetime
    return folder / "sock"


def _link_to(target: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        link = folder / ("link" + target.replace("/", "_"))
        link.symlink_to(target)
        return link

    return make


_SOCKETS: list[socket.socket] = []

TARGETS = [
    Case("target", "device", "is a device", make=lambda folder: Path("/dev/null")),
    Case("target", "fifo", "is a FIFO", make=_fifo),
    Case("target", "socket", "is a socket", make=_socket),
    Case("target", "directory", "is a directory", make=lambda folder: folder),
    Case("target", "missing-parent", "does not exist", make=lambda f: f / "no" / "x.out"),
    Case("target", "proc", "/proc/x.out", make=lambda f: Path("/proc/x.out")),
    Case("target", "link-to-device", "is a device", make=_link_to("/dev/null")),
    Case("target", "link-to-missing-folder", "does not exist", make=_link_to("/nonexistent/x")),
    Case("target", "empty", "empty path", make=lambda folder: ""),
]


def _app_file(name: str, data: bytes) -> Callable[[Path], Path]:
    return lambda folder: _write(folder / name, data)


APPS = [  # torchplay tui / compare FILE, run without a terminal: the file is checked first
    Case("app", "tui-missing", "does not exist", ("tui",), make=lambda f: f / "none.safetensors"),
    Case("app", "compare-missing", "does not exist", ("compare",), make=lambda f: f / "no.st"),
    Case("app", "tui-pickle", "torchplay import", ("tui",), make=_app_file("n.pkl", b"\x80\x04.")),
    Case("app", "compare-corrupt", "corrupt", ("compare",), make=_app_file("c.st", b"\xff" * 64)),
    Case("app", "tui-no-terminal", "needs a terminal", ("tui",), make=lambda f: "regression"),
]

from tests.corpus_checkpoints import CHECKPOINTS  # noqa: E402 (they build on Case above)
from tests.corpus_imports import IMPORTS  # noqa: E402

CORPUS: list[Case] = [
    *VALUES,
    *SPECS,
    *TOMLS,
    *CSVS,
    *STDINS,
    *IMPORTS,
    *TARGETS,
    *APPS,
    *CHECKPOINTS,
]
"""Every case, all kinds."""
