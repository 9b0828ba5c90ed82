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

import json
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
    ("data.features", ["x1", "cosx1"]),
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
    Case(
        "import",
        "meta-tensors",
        "layer l0 weight is a meta tensor",
        make=_state_dict_file(
            "m", lambda: _on(_linear_sd(((10, 1), (10,)), ((1, 10), (1,))), "meta")
        ),
    ),
    Case(
        "import",
        "sparse-coo",
        "layer l0 weight is a sparse_coo tensor",
        make=_state_dict_file(
            "s", lambda: _on(_linear_sd(((10, 1), (10,)), ((1, 10), (1,))), "coo")
        ),
    ),
    Case(
        "import",
        "sparse-csr",
        "layer l0 weight is a sparse_csr tensor",
        make=_state_dict_file(
            "r", lambda: _on(_linear_sd(((10, 1), (10,)), ((1, 10), (1,))), "csr")
        ),
    ),
    Case(
        "import",
        "meta-bias-only",
        "layer l1 bias is a meta tensor",
        make=_state_dict_file(
            "mb", lambda: _on(_linear_sd(((10, 1), (10,)), ((1, 10), (1,))), "meta", "l1.bias")
        ),
    ),
]


def _on(sd: dict, kind: str, only: str = "l0.weight") -> dict:
    """``sd`` with the tensor ``only`` made a meta, sparse COO or sparse CSR tensor."""
    import warnings

    t = sd[only]
    with warnings.catch_warnings():  # CSR is "in beta state"
        warnings.simplefilter("ignore")
        sd[only] = t.to("meta") if kind == "meta" else getattr(t, f"to_sparse_{kind}")()
    return sd


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


def _app_file(name: str, data: bytes) -> Callable[[Path], Path]:
    return lambda folder: _write(folder / name, data)


APPS = [  # torchplay tui / compare FILE, run without a terminal: the file is checked first
    Case("app", "tui-missing", "does not exist", ("tui",), make=lambda f: f / "none.safetensors"),
    Case("app", "compare-missing", "does not exist", ("compare",), make=lambda f: f / "no.st"),
    Case("app", "tui-pickle", "torchplay import", ("tui",), make=_app_file("n.pkl", b"\x80\x04.")),
    Case("app", "compare-corrupt", "corrupt", ("compare",), make=_app_file("c.st", b"\xff" * 64)),
    Case("app", "tui-no-terminal", "needs a terminal", ("tui",), make=lambda f: "regression"),
]

CORPUS: list[Case] = [*VALUES, *SPECS, *TOMLS, *CSVS, *STDINS, *IMPORTS, *TARGETS, *APPS]
"""Every case, all kinds."""


# -- crafted checkpoints ----------------------------------------------------------------


def _base_checkpoint(optimizer: str = "adam", fast: bool = True) -> tuple[dict, dict]:
    """The tensors and metadata of a real checkpoint: minibatches (so batch.perm exists)
    and optimizer state (fused Adam, or torch.optim's ``optimizer``)."""
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.trainer import Trainer

    spec = get_scenario("regression").with_overrides(
        {
            "training.optimizer": optimizer,
            "training.batch_size": 10,
            "training.fast_path": fast,
            "training.lr": 0.01,
        }
    )
    trainer = Trainer(spec)
    trainer.step(3)
    raw = checkpoint.to_bytes(trainer)
    import safetensors.torch

    tensors = safetensors.torch.load(raw)
    n = int.from_bytes(raw[:8], "little")
    meta = json.loads(raw[8 : 8 + n])["__metadata__"]
    return tensors, meta


def _pickled(folder: Path) -> Path:
    import torch

    path = folder / "net.pkl"
    torch.save({"0.weight": torch.zeros(10, 1), "0.bias": torch.zeros(10)}, path)
    return path


def _crafted(
    change: Callable[[dict, dict], None], optimizer: str = "adam", fast: bool = True
) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        import safetensors.torch

        tensors, meta = _base_checkpoint(optimizer, fast)
        change(tensors, meta)
        path = folder / "crafted.safetensors"
        path.write_bytes(safetensors.torch.save(tensors, meta))
        return path

    return make


def _raw_header(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = text.encode()
        return _write(folder / "raw.safetensors", len(data).to_bytes(8, "little") + data)

    return make


def _set(key: str, value):
    def change(tensors: dict, meta: dict) -> None:
        target = meta if isinstance(value, str) or value is None else tensors
        if value is None:
            tensors.pop(key, None)
            meta.pop(key, None)
        else:
            target[key] = value

    return change


def _tensor(key: str, build: Callable[[Any], Any]):
    def change(tensors: dict, meta: dict) -> None:
        import torch

        tensors[key] = build(torch)

    return change


def _history(points: int = 1, stride: int = 1, capacity: int = 1000, point: str = "[1,0.5,null]"):
    body = ",".join([point] * points)
    return f'{{"capacity":{capacity},"stride":{stride},"points":[{body}]}}'


def _early(meta_value: dict, tensor=None):
    """A plateau schedule with early stopping in the spec, then these metadata entries
    (None removes one) and ``tensor(torch)`` as ``best.flat``."""

    def change(tensors: dict, meta: dict) -> None:
        import torch

        spec = json.loads(meta["spec"])
        spec["training"].update(schedule="plateau", patience=50)
        meta["spec"] = json.dumps(spec)
        for key, value in meta_value.items():
            if value is None:
                meta.pop(key, None)
            else:
                meta[key] = value
        if tensor is not None:
            tensors["best.flat"] = tensor(torch)

    return change


def _ck(name: str, needle: str, make: Callable[[Path], Path]) -> Case:
    return Case("checkpoint", name, needle, make=make)


def _truncated(folder: Path) -> Path:
    good = _crafted(lambda t, m: None)(folder)
    raw = good.read_bytes()
    return _write(folder / "trunc.safetensors", raw[: len(raw) // 2])


CHECKPOINTS = [
    _ck("empty", "too short", lambda f: _write(f / "e.safetensors", b"")),
    _ck("pickle", "torchplay import", _pickled),
    _ck(
        "legacy-pickle",
        "torchplay import",
        lambda f: _write(f / "old.pkl", pickle.dumps({"0.weight": [1.0]}, protocol=2)),
    ),
    _ck(
        "random-bytes",
        "truncated or corrupt",
        lambda f: _write(f / "r.st", bytes(range(256)) * 4),
    ),
    _ck("truncated", "truncated or corrupt", _truncated),
    _ck(
        "foreign-safetensors",
        "no torchplay metadata",
        _raw_header('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'),
    ),
    _ck("header-nested-deep", "not a safetensors file", _raw_header("[" * 100_000 + "]" * 100_000)),
    _ck(
        "metadata-not-string",
        "is not a string",
        _raw_header('{"__metadata__":{"torchplay.format":1}}'),
    ),
    _ck("format-0", "torchplay.format", _crafted(_set("torchplay.format", "0"))),
    _ck("format-negative", "torchplay.format", _crafted(_set("torchplay.format", "-1"))),
    _ck("format-text", "torchplay.format", _crafted(_set("torchplay.format", "one"))),
    _ck("format-newer", "newer torchplay", _crafted(_set("torchplay.format", "9"))),
    _ck("step-negative", "step", _crafted(_set("step", "-5"))),
    _ck("step-fraction", "step", _crafted(_set("step", "1.5"))),
    _ck("step-huge", "step", _crafted(_set("step", str(2**60)))),
    _ck("step-missing", "step", _crafted(_set("step", None))),
    _ck("state-bogus", "state", _crafted(_set("state", "exploded"))),
    _ck("lr-nan", "lr", _crafted(_set("lr", "nan"))),
    _ck("lr-negative", "lr", _crafted(_set("lr", "-0.1"))),
    _ck("spec-not-json", "'spec' is not valid JSON", _crafted(_set("spec", "{nope"))),
    _ck("spec-nested-deep", "spec", _crafted(_set("spec", "[" * 100_000 + "]" * 100_000))),
    _ck("spec-list", "spec", _crafted(_set("spec", "[1, 2]"))),
    _ck("spec-name-huge", "name", _crafted(_set("spec", json.dumps({"name": "x" * 1_000_000})))),
    _ck("spec-bad-lr", "training.lr", _crafted(_set("spec", '{"training": {"lr": -1}}'))),
    _ck("shape-string", "shape", _crafted(_set("shape", '"x"'))),
    _ck(
        "shape-inputs-text",
        "shape.inputs",
        _crafted(_set("shape", '{"inputs": "1", "outputs": 1}')),
    ),
    _ck(
        "shape-inputs-zero", "shape.inputs", _crafted(_set("shape", '{"inputs": 0, "outputs": 1}'))
    ),
    _ck("shape-mismatch", "2.weight", _crafted(_set("shape", '{"inputs": 1, "outputs": 3}'))),
    _ck("history-stride-0", "history.stride", _crafted(_set("history", _history(stride=0)))),
    _ck(
        "history-2M-points", "2000000 points", _crafted(_set("history", _history(points=2_000_000)))
    ),
    _ck(
        "history-capacity-huge",
        "history.capacity",
        _crafted(_set("history", _history(capacity=10**9))),
    ),
    _ck("history-point-bad", "point", _crafted(_set("history", _history(point='["a",1,2]')))),
    _ck("history-not-table", "history", _crafted(_set("history", "[]"))),
    _ck("run-id-path", "run", _crafted(_set("run", "../../x"))),
    _ck("schedule-not-json", "schedule", _crafted(_set("schedule", "{nope"))),
    _ck("best-without-tensor", "best.flat", _crafted(_set("best", '{"loss": 1.0, "step": 3}'))),
    _ck(
        "best-nan",
        "best.flat holds non-finite",
        _crafted(
            lambda t, m: (
                m.update(best='{"loss": 1.0, "step": 3}'),
                t.update({"best.flat": t["0.weight"].flatten() * float("nan")}),
            )
        ),
    ),
    _ck("forked-from-no-step", "forked_from", _crafted(_set("forked_from", '{"run": "abc"}'))),
    _ck(
        "forked-from-negative",
        "forked_from.step",
        _crafted(_set("forked_from", '{"run": "abc", "step": -1}')),
    ),
    _ck("forked-from-not-json", "forked_from", _crafted(_set("forked_from", "[1, 2"))),
    _ck(
        "features-need-2-inputs",
        "data.features",
        _crafted(_set("spec", '{"data": {"features": ["x1", "x2"]}}')),
    ),
    _ck(
        "weights-nan",
        "non-finite",
        _crafted(_tensor("0.weight", lambda t: t.full((10, 1), float("nan")))),
    ),
    _ck(
        "weights-int",
        "float32",
        _crafted(_tensor("0.weight", lambda t: t.zeros((10, 1), dtype=t.int32))),
    ),
    _ck("weights-wrong-shape", "0.bias", _crafted(_tensor("0.bias", lambda t: t.zeros(1)))),
    _ck(
        "batch-generator-missing",
        "batch.generator is missing",
        _crafted(_set("batch.generator", None)),
    ),
    _ck(
        "batch-generator-short",
        "batch.generator",
        _crafted(_tensor("batch.generator", lambda t: t.zeros(10, dtype=t.uint8))),
    ),
    _ck(
        "batch-generator-float",
        "batch.generator",
        _crafted(_tensor("batch.generator", lambda t: t.zeros(5056))),
    ),
    _ck(
        "batch-perm-out-of-range",
        "batch.perm",
        _crafted(_tensor("batch.perm", lambda t: t.arange(100) * 10**6)),
    ),
    _ck("batch-perm-float", "batch.perm", _crafted(_tensor("batch.perm", lambda t: t.zeros(100)))),
    _ck("batch-pos-negative", "batch.pos", _crafted(_tensor("batch.pos", lambda t: t.tensor(-1)))),
    _ck(
        "batch-pos-past-end", "batch.pos", _crafted(_tensor("batch.pos", lambda t: t.tensor(10**6)))
    ),
    _ck("batch-unknown", "not minibatch state", _crafted(_tensor("batch.x", lambda t: t.zeros(1)))),
    _ck(
        "optim-wrong-shape",
        "optim.exp_avg",
        _crafted(_tensor("optim.exp_avg", lambda t: t.zeros(3))),
    ),
    _ck(
        "optim-unknown",
        "not optimizer state",
        _crafted(_tensor("optim.bogus", lambda t: t.zeros(1))),
    ),
    _ck("optim-half-adam", "come together", _crafted(_set("optim.exp_avg_sq", None))),
    _ck(
        "schedule-drops-unsorted",
        "schedule is corrupt",
        _crafted(_early({"schedule": '{"drops": [5, 3], "best": null, "since": 0}'})),
    ),
    _ck(
        "best-flat-wrong-shape",
        "best.flat",
        _crafted(_early({"best": '{"loss": 0.1, "step": 2}'}, lambda t: t.zeros(3))),
    ),
    _ck(
        "best-step-text",
        "best.step",
        _crafted(_early({"best": '{"loss": 0.1, "step": "two"}'}, lambda t: t.zeros(64))),
    ),
    _ck("optim-t-negative", "optim.t", _crafted(_tensor("optim.t", lambda t: t.tensor(-3)))),
    _ck(
        "optim-torch-wrong-shape",
        "optim.0.square_avg",
        _crafted(_tensor("optim.0.square_avg", lambda t: t.zeros(2)), "rmsprop"),
    ),
    _ck(
        "optim-torch-index",
        "optim.9.square_avg",
        _crafted(_tensor("optim.9.square_avg", lambda t: t.zeros(2)), "rmsprop"),
    ),
    _ck(
        "optim-torch-missing-key", "lacks ['step']", _crafted(_set("optim.0.step", None), "rmsprop")
    ),
]

CORPUS += CHECKPOINTS
