"""Fuzzing the readers of user files (issue 23): the TOML spec reader (with its ``[sweep]``
table), the ``--grid`` grammar, the checkpoint header reader (and the full load behind it)
and the CSV reader, each with random input and with mutations of a valid file.

Each may only accept the input or raise its documented error, an
:class:`~torchplay.engine.run.errors.InputError` (SpecError, GridError, CheckpointError,
DataError) whose message is one line: never another exception, never a traceback.
Example counts are modest (the CI profile is derandomized): :data:`EXAMPLES`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torchplay.engine.files import checkpoint
from torchplay.engine.files.ckheader import parse_header, read_metadata, summary
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import members, parse_axis, parse_grid
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.run.source import _parse, from_dict, resolve
from torchplay.engine.train.data import read_csv
from torchplay.engine.train.trainer import Trainer

SCALE = float(os.environ.get("TORCHPLAY_FUZZ_SCALE", "1"))
"""More examples for an exploring run (``TORCHPLAY_FUZZ_SCALE=20``); 1 in the suite."""
EXAMPLES = {
    kind: max(1, int(n * SCALE))
    for kind, n in {"toml": 150, "grid": 300, "header": 150, "load": 60, "csv": 100}.items()
}
"""Examples per fuzz test in a default run (each test of a reader gets this many)."""


def fuzz(kind: str):
    return settings(
        max_examples=EXAMPLES[kind],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def refused_cleanly(call) -> None:
    """``call()`` returns, or raises an InputError with a one-line message."""
    try:
        call()
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc), repr(exc)


@st.composite
def mutations(draw, seed: bytes) -> bytes:
    """``seed`` with a few bytes replaced, deleted, inserted or a span duplicated."""
    out = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(out) - 1)))
        how = draw(st.sampled_from(["set", "delete", "insert", "duplicate", "cut"]))
        if how == "set" and out:
            out[at] = draw(st.integers(0, 255))
        elif how == "delete":
            del out[at : at + draw(st.integers(1, 8))]
        elif how == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif how == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 40))]
        else:
            del out[at:]
    return bytes(out)


# -- the TOML spec reader and its [sweep] table ---------------------------------------------

SPEC_TOML = (
    get_scenario("classification")
    .with_overrides({"training.schedule": "plateau", "training.patience": 5})
    .to_toml()
    + '\n[sweep]\n"training.lr" = [0.05, 0.1]\n"data.seed" = "1..3"\nmodel.hidden = [[8], [4, 4]]\n'
).encode()

TOML_ALPHABET = st.sampled_from(
    list("[]{}=,.\"'\n #-+_:0123456789eEinfatrsulx")
    + [
        "sweep",
        "data",
        "training",
        "model",
        "lr",
        "seed",
        "hidden",
        "nan",
        "inf",
        "points",
        "1..3",
        "1e400",
        "99999999999999999999999",
    ]
)


def _read_spec(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    spec_part, sweep = _parse(text)
    spec = from_dict(spec_part)
    if sweep:
        axes = parse_grid([], spec, sweep, "fuzz.toml [sweep]")
        if len(axes) and sum(len(a.values) for a in axes) < 50:
            members(axes, spec)


@fuzz("toml")
@given(st.lists(TOML_ALPHABET, max_size=60).map("".join))
def test_toml_reader_random_tokens(text: str) -> None:
    refused_cleanly(lambda: _read_spec(text.encode()))


@fuzz("toml")
@given(mutations(SPEC_TOML))
def test_toml_reader_mutated_spec(raw: bytes) -> None:
    refused_cleanly(lambda: _read_spec(raw))


@fuzz("toml")
@given(st.binary(max_size=300))
def test_toml_file_random_bytes(raw: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".toml") as fh:
        fh.write(raw)
        fh.flush()
        refused_cleanly(lambda: resolve(fh.name))


# -- the grid grammar -----------------------------------------------------------------------

KEYS = [
    "training.lr",
    "data.seed",
    "model.hidden",
    "model.activation",
    "training.nesterov",
    "data.samples",
    "training.schedule_gamma",
    "data.points",
    "training.bogus",
    "",
]
GRID_ALPHABET = st.sampled_from(
    list("0123456789.,:x-+e=ainf ")
    + ["..", "nan", "none", "true", "1e400", "99999999999999999999999"]
)
BASE = get_scenario("regression")


@fuzz("grid")
@given(st.sampled_from(KEYS), st.lists(GRID_ALPHABET, max_size=30).map("".join))
def test_grid_grammar_random(key: str, values: str) -> None:
    refused_cleanly(lambda: parse_axis(f"{key}={values}", BASE))


@fuzz("grid")
@given(mutations(b"training.lr=1e-3:1:4,0.5"), mutations(b"data.seed=1..4,9"))
def test_grid_grammar_mutated(a: bytes, b: bytes) -> None:
    texts = [a.decode("utf-8", "replace"), b.decode("utf-8", "replace")]
    refused_cleanly(lambda: parse_grid(texts, BASE))


# -- the checkpoint header reader and the load behind it ------------------------------------


@pytest.fixture(scope="module")
def valid_checkpoint() -> bytes:
    trainer = Trainer(
        get_scenario("regression").with_overrides(
            {"training.schedule": "plateau", "training.patience": 5, "model.hidden": [3]}
        )
    )
    trainer.step(3)
    return checkpoint.to_bytes(trainer)


def _header_mutations(raw: bytes) -> st.SearchStrategy[bytes]:
    n = int.from_bytes(raw[:8], "little")
    header = raw[8 : 8 + n]
    return mutations(header).map(lambda h: len(h).to_bytes(8, "little") + h + raw[8 + n :])


def _write(raw: bytes) -> str:
    fh = tempfile.NamedTemporaryFile(suffix=".safetensors", delete=False)  # noqa: SIM115
    fh.write(raw)
    fh.close()
    return fh.name


def _read_everything(raw: bytes) -> None:
    path = _write(raw)
    try:
        parse_header(raw, path)
        assert read_metadata(path) is None or isinstance(read_metadata(path), dict)
        summary(path)
    finally:
        Path(path).unlink()


@fuzz("header")
@given(st.binary(max_size=200))
def test_header_reader_random_bytes(raw: bytes) -> None:
    refused_cleanly(lambda: _read_everything(raw))


@fuzz("header")
@given(st.integers(0, 2**64 - 1), st.binary(max_size=64))
def test_header_reader_any_length_prefix(length: int, rest: bytes) -> None:
    refused_cleanly(lambda: _read_everything(length.to_bytes(8, "little") + rest))


@fuzz("header")
@given(data=st.data())
def test_header_reader_mutated_checkpoint(valid_checkpoint: bytes, data) -> None:
    raw = data.draw(_header_mutations(valid_checkpoint))
    refused_cleanly(lambda: _read_everything(raw))


@fuzz("load")
@given(data=st.data())
def test_load_mutated_header(valid_checkpoint: bytes, data) -> None:
    raw = data.draw(_header_mutations(valid_checkpoint))
    path = _write(raw)
    try:
        refused_cleanly(lambda: checkpoint.load(path))
    finally:
        Path(path).unlink()


@fuzz("load")
@given(data=st.data())
def test_load_mutated_metadata_values(valid_checkpoint: bytes, data) -> None:
    """Valid JSON and safetensors framing, each metadata string mutated: the validators'
    turn, not the parser's."""
    import safetensors.torch

    tensors = safetensors.torch.load(valid_checkpoint)
    n = int.from_bytes(valid_checkpoint[:8], "little")
    meta = json.loads(valid_checkpoint[8 : 8 + n])["__metadata__"]
    key = data.draw(st.sampled_from(sorted(meta)))
    mutated = data.draw(mutations(meta[key].encode()))
    meta[key] = mutated.decode("utf-8", "replace")
    path = _write(safetensors.torch.save(tensors, meta))
    try:
        refused_cleanly(lambda: checkpoint.load(path))
    finally:
        Path(path).unlink()


# -- the CSV reader ---------------------------------------------------------------------------

VALID_CSV = b'x1,x2,label\n0.5,1.5,0\n-1,2e-3,1\n3,4,0\n"5",6,1\n'


def _read_csv(raw: bytes, target: str | None, task: str) -> None:
    path = _write(raw)
    try:
        read_csv(path, target, task)
    finally:
        Path(path).unlink()


@fuzz("csv")
@given(st.binary(max_size=300), st.sampled_from([None, "label", "x1", "nope"]))
def test_csv_reader_random_bytes(raw: bytes, target) -> None:
    refused_cleanly(lambda: _read_csv(raw, target, "auto"))


@fuzz("csv")
@given(mutations(VALID_CSV), st.sampled_from(["auto", "classification", "regression"]))
def test_csv_reader_mutated(raw: bytes, task: str) -> None:
    refused_cleanly(lambda: _read_csv(raw, None, task))


@fuzz("csv")
@given(
    st.lists(
        st.lists(
            st.sampled_from(["1", "0", "-2.5", "nan", "inf", "", "a", '"', "1e39", " "]),
            min_size=1,
            max_size=6,
        ),
        max_size=8,
    )
)
def test_csv_reader_ragged_tables(rows: list[list[str]]) -> None:
    raw = "\n".join(",".join(r) for r in rows).encode()
    refused_cleanly(lambda: _read_csv(raw, None, "auto"))
