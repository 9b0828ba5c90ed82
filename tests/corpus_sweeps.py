"""The bad-input corpus of sweeps (issue 23, round 3): ``--grid`` texts, ``[sweep]``
tables, output folders and Ray addresses. Beside :mod:`tests.corpus` and built on its
:class:`~tests.corpus.Case`; tests/cli/test_corpus_surfaces.py runs them in-process.

Kinds:

* ``grid``: ``--grid`` texts (``args``), for ``torchplay sweep --out DIR``: refused before
  DIR is made;
* ``table``: a spec file's text with a ``[sweep]`` table, for ``torchplay sweep FILE``;
* ``folder``: an output folder built by ``make(tmp_path)``, for ``sweep --out`` and
  ``train --tensorboard``: refused before any work;
* ``address``: a Ray ``--address``, refused before Ray is imported (no process starts);
* ``argv``: a whole command line refused with one line holding ``needle``.
"""

from __future__ import annotations

from pathlib import Path

from tests.corpus import Case, _fifo, _link_to, _socket


def _argv(name: str, needle: str, *args: str) -> Case:
    return Case("argv", name, needle, tuple(args))


# -- sweep grids: torchplay sweep --grid TEXT --steps 2 --out DIR ---------------------------

_GRIDS = [
    ("training.lr", "write KEY=V1,V2"),
    ("=0.1", "write KEY=V1,V2"),
    ("training.bogus=1", "unknown key 'training.bogus'"),
    ("nosection.lr=1", "unknown key 'nosection.lr'"),
    ("name=x", "unknown key 'name'"),
    ("training.lr=", "empty value"),
    ("training.lr=0.1,,0.2", "empty value"),
    ("training.lr=0.1,", "empty value"),
    ("training.lr=nan", "training.lr = nan"),
    ("training.lr=inf", "training.lr = inf"),
    ("training.lr=-inf", "training.lr = -inf"),
    ("training.lr=1e309", "training.lr = inf"),
    ("training.lr=-0.1", "training.lr = -0.1"),
    ("training.lr=0", "training.lr = 0.0"),
    ("training.lr=abc", "'abc' is not a number"),
    ("training.lr=0x10", "'0x10' is not a number"),
    ("training.lr=1e-3:1:0", "n >= 1"),
    ("training.lr=1e-3:1:-1", "n >= 1"),
    ("training.lr=0:1:4", "lo, hi > 0"),
    ("training.lr=-1:1:4", "lo, hi > 0"),
    ("training.lr=1e-3:inf:4", "lo, hi > 0"),
    ("training.lr=nan:1:4", "lo, hi > 0"),
    ("training.lr=1e-3:1:abc", "must be lo:hi:n"),
    ("training.lr=1e-3:1:2.5", "must be lo:hi:n"),
    ("training.lr=1e-3:1:100001", "more than 100000 values"),
    ("training.lr=1e-3:1e9:3", "training.lr"),
    ("data.seed=5..1", "is empty"),
    ("data.seed=a..b", "needs integers"),
    ("data.seed=1..2..3", "needs integers"),
    ("data.seed=1..", "needs integers"),
    ("data.seed=..4", "needs integers"),
    ("data.seed=0..99999999999999999999999", "over the 100,000 limit"),
    ("data.seed=0..100000", "100,001 values, over the 100,000 limit"),
    ("data.seed=-5..-1", "data.seed = -5"),
    ("data.seed=1.5", "'1.5' is not an integer"),
    ("data.seed=99999999999999999999999", "data.seed = 99999999999999999999999"),
    ("data.seed=1e3", "'1e3' is not an integer"),
    ("data.samples=0", "data.samples = 0"),
    ("data.noise=nan", "data.noise"),
    ("data.test_fraction=1.5", "data.test_fraction"),
    ("data.dataset=mnist", "data.dataset"),
    ("data.points=1", "data.points"),
    ("model.hidden=0", "model.hidden"),
    ("model.hidden=8xx8", "model.hidden"),
    ("model.hidden=-1", "model.hidden"),
    ("model.hidden=99999", "model.hidden"),
    ("model.hidden=8x8x8x8x8x8x8x8x8x8x8x8x8x8x8x8x8", "model.hidden"),
    ("model.activation=swish", "model.activation"),
    ("training.optimizer=lbfgs", "training.optimizer"),
    ("training.nesterov=yes", "must be true or false"),
    ("training.batch_size=-1", "training.batch_size"),
    ("training.batch_size=101", "training.batch_size"),
    ("training.steps=-1", "training.steps"),
    ("training.schedule=warmup", "training.schedule"),
    ("training.schedule_gamma=1", "training.schedule_gamma"),
    ("training.schedule_every=0", "training.schedule_every"),
    ("training.patience=-1", "training.patience"),
    ("training.min_delta=nan", "training.min_delta"),
    ("training.momentum=1", "training.momentum"),
]

GRIDS = [Case("grid", text, needle, (text,)) for text, needle in _GRIDS] + [
    Case("grid", "key-twice", "given twice", ("training.lr=0.1", "training.lr=0.2")),
    Case(
        "grid",
        "product-over-limit",
        "101,000 members",
        ("data.seed=0..999", "training.lr=1e-3:1:101"),
    ),
    Case(
        "grid",
        "member-batch-over-samples",
        "--grid member data.samples=20",
        ("data.samples=20,200", "training.batch_size=50"),
    ),
    Case(
        "grid",
        "member-min-lr-over-lr",
        "--grid member",
        ("training.lr=0.01,0.1", "training.schedule_min_lr=0.05", "training.schedule=cosine"),
    ),
]


# -- [sweep] tables: torchplay sweep FILE.toml --steps 2 ------------------------------------


def _table(name: str, needle: str, text: str) -> Case:
    return Case("table", name, needle, value=text)


TABLES = [
    _table("empty-list", "empty list", '[sweep]\n"training.lr" = []\n'),
    _table("unknown-key", "unknown key 'training.bogus'", '[sweep]\n"training.bogus" = [1]\n'),
    _table("no-section-key", "unknown key 'nosection'", "[sweep]\nnosection = [1]\n"),
    _table("empty-key", "write KEY=V1,V2", '[sweep]\n"" = [1]\n'),
    _table("nan", "training.lr = nan", '[sweep]\n"training.lr" = [nan]\n'),
    _table("inf", "training.lr = inf", '[sweep]\n"training.lr" = [inf]\n'),
    _table("minus-inf", "training.lr = -inf", '[sweep]\n"training.lr" = [0.1, -inf]\n'),
    _table("1e400", "training.lr = inf", '[sweep]\n"training.lr" = [1e400]\n'),
    _table(
        "duplicate-key", "invalid TOML", '[sweep]\n"training.lr" = [0.1]\n"training.lr" = [0.2]\n'
    ),
    _table(
        "duplicate-dotted-and-quoted",
        "training.lr: given twice",
        '[sweep]\ntraining.lr = [0.1]\n"training.lr" = [0.2]\n',
    ),
    _table(
        "duplicate-subtable-and-quoted",
        "training.lr: given twice",
        '[sweep]\n"training.lr" = [0.2]\n[sweep.training]\nlr = [0.1]\n',
    ),
    _table("range-reversed", "is empty", '[sweep]\n"data.seed" = "5..1"\n'),
    _table(
        "range-past-64-bits",
        "over the 100,000 limit",
        '[sweep]\n"data.seed" = "0..99999999999999999999999"\n',
    ),
    _table("range-words", "needs integers", '[sweep]\n"data.seed" = "a..b"\n'),
    _table("int-fraction", "'1.5' is not an integer", '[sweep]\n"data.seed" = [1.5]\n'),
    _table("int-negative", "data.seed = -1", '[sweep]\n"data.seed" = [-1]\n'),
    _table("int-huge", "data.seed", '[sweep]\n"data.seed" = [99999999999999999999999]\n'),
    _table("inline-table-value", "is not a list, string", '[sweep]\n"training.lr" = [{a = 1}]\n'),
    _table("nested-float-list", "is not a list, string", '[sweep]\n"training.lr" = [[0.1]]\n'),
    _table("hidden-negative", "model.hidden", '[sweep]\n"model.hidden" = [[8, -1]]\n'),
    _table("hidden-bools", "is not a list, string", '[sweep]\n"model.hidden" = [[true]]\n'),
    _table("sweep-number", "must be a table", "sweep = 5\n"),
    _table("sweep-list", "must be a table", "sweep = [1, 2]\n"),
    _table("date-value", "is not a list, string", '[sweep]\n"training.lr" = 1979-05-27\n'),
    _table("no-keys", "[sweep] has no keys", "[sweep]\n"),
    _table(
        "over-member-limit",
        "101,000 members",
        '[sweep]\n"data.seed" = "0..999"\n"training.lr" = "1e-3:1:101"\n',
    ),
    _table("mixed-types", "'abc' is not a number", '[sweep]\n"training.lr" = [0.1, "abc"]\n'),
    _table("bool-word", "must be true or false", '[sweep]\n"training.nesterov" = ["yes"]\n'),
    _table("nested-empty", "empty list", "[sweep]\n[sweep.training]\nlr = []\n"),
    _table("empty-string", "empty value", '[sweep]\n"training.lr" = ""\n'),
    _table("string-empty-item", "empty value", '[sweep]\n"training.lr" = "0.1,,0.2"\n'),
    _table("steps-over-max", "training.steps", '[sweep]\n"training.steps" = [100000001]\n'),
    _table("log-range-zero", "lo, hi > 0", '[sweep]\n"training.lr" = "0:1:3"\n'),
    _table("bad-spec-beside", "samplez", '[data]\nsamplez = 3\n[sweep]\n"training.lr" = [0.1]\n'),
]


# -- output folders: sweep --out and train --tensorboard ------------------------------------


def _file(folder: Path) -> Path:
    path = folder / "a.file"
    path.write_text("keep me\n")
    return path


def _dangling(folder: Path) -> Path:
    link = folder / "dangling"
    link.symlink_to(folder / "gone")
    return link


FOLDERS = [
    Case("folder", "existing-file", "is a file, not a folder", make=_file),
    Case("folder", "device", "is a device, not a folder", make=lambda f: Path("/dev/null")),
    Case("folder", "fifo", "is a FIFO (named pipe), not a folder", make=_fifo),
    Case("folder", "socket", "is a socket, not a folder", make=_socket),
    Case("folder", "proc-new", "cannot create files in '/proc'", make=lambda f: Path("/proc/nope")),
    Case("folder", "proc-self", "cannot create files in", make=lambda f: Path("/proc/self")),
    Case("folder", "dangling-link", "which does not exist", make=_dangling),
    Case("folder", "link-to-device", "is a device", make=_link_to("/dev/null")),
    Case("folder", "link-to-nowhere", "which does not exist", make=_link_to("/nonexistent/x")),
    Case("folder", "missing-parent", "does not exist; create it", make=lambda f: f / "a" / "b"),
    Case("folder", "empty", "empty path", make=lambda f: ""),
    Case("folder", "sys", "cannot create files in", make=lambda f: Path("/sys/kernel")),
]


# -- Ray addresses: sweep --backend ray --address ADDRESS -----------------------------------

_ADDRESSES = [
    ("", "give the head node's HOST:PORT"),
    ("   ", "give the head node's HOST:PORT"),
    ("http://10.0.0.5:6379", "give the head node's HOST:PORT"),
    ("ray://10.0.0.5:10001", "give the head node's HOST:PORT"),
    ("a..b:6379", "the host name has an empty label"),
    (".a:6379", "the host name has an empty label"),
    ("x" * 300 + ":6379", "a label over 63 characters"),
    ("a." + "b" * 64 + ":6379", "a label over 63 characters"),
    (".".join(["abc"] * 70) + ":1", "over 253 characters"),
    ("host:0", "the port must be a number 1-65535"),
    ("host:65536", "the port must be a number 1-65535"),
    ("host:-1", "the port must be a number 1-65535"),
    ("host:abc", "the port must be a number 1-65535"),
    ("host:", "the port must be a number 1-65535"),
    (":6379", "the port must be a number 1-65535"),
    ("host:99999999999999999999", "the port must be a number 1-65535"),
    ("bad host:6379", "is not a valid host name"),
    ("host\x00:6379", "is not a valid host name"),
    ("host\n:6379", "is not a valid host name"),
    ("h\u00e9\u0301\u200b:6379", "is not a valid host name"),
]

ADDRESSES = [Case("address", repr(a)[1:-1][:40], n, (a,)) for a, n in _ADDRESSES]

RAY_FLAGS = [
    _argv("address-without-ray", "--address needs --backend ray", "sweep", "--address", "h:1"),
    _argv("chunk-without-ray", "--chunk needs --backend ray", "sweep", "--chunk", "2"),
    _argv("scheduler-without-ray", "needs --backend ray", "sweep", "--scheduler", "asha"),
    _argv("max-failures-without-ray", "needs --backend ray", "sweep", "--max-failures", "1"),
    _argv("chunk-0", "--chunk 0", "sweep", "--backend", "ray", "--chunk", "0"),
    _argv(
        "max-failures--1", "--max-failures -1", "sweep", "--backend", "ray", "--max-failures", "-1"
    ),
    _argv("backend-dask", "invalid choice: 'dask'", "sweep", "--backend", "dask"),
]
