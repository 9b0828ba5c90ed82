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
* ``csv``: a data file's text (``None``: missing);
* ``checkpoint``: a crafted checkpoint, built by ``make(tmp_path)`` (info, predict,
  resume, export and the app's load all refuse it);
* ``import``: a file for ``torchplay import``, built by ``make(tmp_path)``;
* ``target``: an output path that cannot be written, built by ``make(tmp_path)`` (every
  ``--save``, ``--metrics``, ``--out`` and the app's save dialog refuse it before work).
"""

from __future__ import annotations

import os
import pickle
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Case:
    """One bad input and the text its refusal must contain."""

    kind: str
    name: str
    needle: str
    args: tuple[str, ...] = ()
    """value: the flag and its text."""
    panel: str | None = None
    """value: the app field that takes the same text, if any."""
    field: str = ""
    """spec: the dotted field."""
    value: Any = None
    """spec: the Python value; toml, csv: the file's text."""
    make: Callable[[Path], Path | str] | None = None
    """checkpoint, import: build the file under the given folder, return its path."""


def params(*kinds: str) -> list:
    """The corpus cases of these kinds, as pytest params with readable ids."""
    return [pytest.param(c, id=f"{c.kind}:{c.name}") for c in CORPUS if c.kind in kinds]


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
    ("data.features", ["x1", "cosx1"]),
    ("data.features", "x1sq,x2sq"),  # the regression default is 1-D
    ("data.features", 3),
    ("data.points", [[0.0, 1.0], [0.5]]),
    ("data.points", [[0.0, float("nan")]]),
    ("data.points", "0,1"),
    ("data.points", [[0.0, 1.0]] * 10_001),
    ("training.bogus", 1),
    ("nosection.x", 1),
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
]

CSVS = [
    Case("csv", "missing", "does not exist", value=None),
    Case("csv", "empty", "empty", value=""),
    Case("csv", "header-only", "no data rows", value="a,b\n"),
    Case("csv", "word", "'x'", value="1,2\n3,x\n"),
    Case("csv", "short-row", "line 2", value="1,2\n3\n"),
    Case("csv", "nan", "'nan'", value="1,nan\n2,3\n"),
    Case("csv", "inf", "'inf'", value="1,inf\n2,3\n"),
]


# -- files for torchplay import --------------------------------------------------------


def _state_dict_file(name: str, build: Callable[[], Any]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        import torch

        path = folder / f"{name}.pt"
        torch.save(build(), path)
        return path

    return make


def _linear_sd(*shapes: tuple[tuple[int, ...], tuple[int, ...] | None], dtype="float32", **extra):
    """A state_dict of layers l0, l1, ... with these (weight, bias) shapes, plus ``extra``."""
    import torch

    sd = {}
    for i, (w, b) in enumerate(shapes):
        sd[f"l{i}.weight"] = torch.zeros(w, dtype=getattr(torch, dtype))
        if b is not None:
            sd[f"l{i}.bias"] = torch.zeros(b, dtype=getattr(torch, dtype))
    sd.update({k.replace("__", "."): torch.zeros(v) for k, v in extra.items()})
    return sd


def _whole_net(folder: Path) -> Path:
    import torch

    from tests import tutorial

    path = folder / "net.pkl"
    torch.save(tutorial.Net(1, 10, 1), path)
    return path


def _evil_pickle(folder: Path) -> Path:
    from tests.evil import Evil

    path = folder / "evil.pkl"
    path.write_bytes(pickle.dumps(Evil(str(folder / "pwned"))))
    return path


IMPORTS = [
    Case(
        "import",
        "bias-broadcast",
        "needs a bias of shape (10,)",
        make=_state_dict_file("b", lambda: _linear_sd(((10, 1), (1,)), ((1, 10), (1,)))),
    ),
    Case(
        "import",
        "widths-do-not-chain",
        "do not chain",
        make=_state_dict_file("c", lambda: _linear_sd(((10, 1), (10,)), ((1, 9), (1,)))),
    ),
    Case(
        "import",
        "no-bias",
        "has no bias",
        make=_state_dict_file("n", lambda: _linear_sd(((10, 1), None), ((1, 10), (1,)))),
    ),
    Case(
        "import",
        "weight-1d",
        "weight has shape (10,)",
        make=_state_dict_file("d", lambda: _linear_sd(((10,), (10,)), ((1, 10), (1,)))),
    ),
    Case(
        "import",
        "batchnorm-key",
        "'bn.running_mean'",
        make=_state_dict_file("k", lambda: _linear_sd(((1, 1), (1,)), bn__running_mean=1)),
    ),
    Case(
        "import",
        "int-weights",
        "not floating point",
        make=_state_dict_file("i", lambda: _linear_sd(((1, 1), (1,)), dtype="int64")),
    ),
    Case("import", "empty-state-dict", "holds no weights", make=_state_dict_file("e", dict)),
    Case("import", "whole-subclassed-net", "torch.save(net.state_dict()", make=_whole_net),
    Case("import", "code-running-pickle", "will not load", make=_evil_pickle),
    Case(
        "import",
        "not-a-torch-file",
        "not a readable torch file",
        make=lambda folder: _write(folder / "x.pt", b"hello"),
    ),
    Case("import", "missing", "does not exist", make=lambda folder: folder / "none.pt"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


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

CORPUS: list[Case] = [*VALUES, *SPECS, *TOMLS, *CSVS, *IMPORTS, *TARGETS]
"""Every case, all kinds."""
