"""``predict`` and ``info``: read a checkpoint's network, never its training data.

Neither builds a Trainer: a checkpoint of a ``csv:`` dataset works without the CSV, and
no dataset is generated. ``predict`` streams its input (``--csv FILE`` or ``-``) in
chunks of :data:`CHUNK` rows, so memory stays flat however long the input is (a line is
at most :data:`MAX_LINE` characters, the input at most :data:`MAX_INPUT`); a first
row of column names is a header and is skipped. Undecodable bytes are kept as surrogates
while reading, so the refusal names the line that holds them. Stored strings are printed with control
characters escaped.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator

from torchplay.engine.run.errors import EXIT_OK, UserError

CHUNK = 65_536
"""Rows predicted at once."""
MAX_LINE = 65_536
"""The longest input line ``predict`` reads, in characters."""
MAX_INPUT = 1 << 30
"""The most input ``predict`` reads from one file or stream, in characters (1 GiB)."""
FLOAT32_MAX = 3.4028234663852886e38
"""Inputs beyond this (and nan) are refused: the network computes in float32."""


def printable(text: str) -> str:
    """``text`` with control characters (escape codes, newlines) shown as escapes."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if abs(value) <= FLOAT32_MAX else None  # also refuses nan


def _parse(cells: list[str], n: int, where: str) -> list[float]:
    row = [_number(c) for c in cells]
    if None in row:
        bad = cells[row.index(None)]
        try:
            bad.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes, kept as surrogates (see _input)
            raise UserError(f"{where}: not UTF-8 text; save it as UTF-8") from None
        if any(not (c.isprintable() or c.isspace()) for c in bad):
            raise UserError(f"{where}: binary bytes, not CSV text (one row per line: x or x1,x2)")
        raise UserError(
            f"{where}: {bad[:40]!r} is not a finite float32 number (use x, or x1,x2 pairs)"
        )
    if len(row) != n:
        raise UserError(f"{where}: {len(row)} values; the model takes {n}")
    return row  # type: ignore[return-value]


def _bounded(fh, source: str) -> Iterator[str]:
    """``fh``'s lines, refusing one longer than :data:`MAX_LINE` characters or more than
    :data:`MAX_INPUT` characters in all (``--csv /dev/zero`` is an endless first line):
    memory stays bounded whatever the stream holds."""
    total = 0
    for number, line in enumerate(iter(lambda: fh.readline(MAX_LINE + 1), ""), start=1):
        if len(line) > MAX_LINE:
            raise UserError(
                f"{source} line {number}: longer than {MAX_LINE:,} characters; give one row "
                "per line (x, or x1,x2)"
            )
        total += len(line)
        if total > MAX_INPUT:
            raise UserError(
                f"{source}: more than {MAX_INPUT >> 20} MiB of input; split it and predict "
                "each part"
            )
        yield line


def _chunks(fh: Iterable[str], n: int, source: str) -> Iterator[list[list[float]]]:
    """Rows of ``n`` numbers from CSV text, ``CHUNK`` at a time; a header row is skipped."""
    chunk: list[list[float]] = []
    line, first = 0, True
    try:
        for line, cells in enumerate(csv.reader(_bounded(fh, source)), start=1):  # noqa: B007
            if not any(c.strip() for c in cells):
                continue
            if first and all(_number(c) is None for c in cells):
                first = False  # column names
                continue
            first = False
            chunk.append(_parse(cells, n, f"{source} line {line}"))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    except csv.Error as exc:
        raise UserError(f"{source} line {line + 1}: {exc}") from None
    if chunk:
        yield chunk


def _input(args) -> tuple[io.TextIOBase, str]:
    if args.csv is not None:
        try:
            fh = open(args.csv, encoding="utf-8-sig", errors="surrogateescape", newline="")  # noqa: SIM115
        except OSError as exc:
            raise UserError(
                f"--csv {args.csv!r}: {exc.strerror or exc}; give a readable CSV file"
            ) from None
        return fh, f"--csv {args.csv!r}"
    if sys.stdin is None or sys.stdin.closed:
        raise UserError("predict -: stdin is closed; pipe in rows or use --csv FILE")
    try:
        raw = sys.stdin.buffer
    except AttributeError:  # a text-only stream (tests)
        return sys.stdin, "stdin"
    return io.TextIOWrapper(
        raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
    ), "stdin"


def cmd_predict(args) -> int:
    from torchplay.engine.files import checkpoint
    from torchplay.engine.train.evaluate import predict
    from torchplay.engine.train.features import FeatureMap

    ckpt = checkpoint.load(args.checkpoint)
    net, features = checkpoint.network(ckpt), FeatureMap(ckpt.spec.data.features)
    n, task = ckpt.shape["inputs"], "classification" if ckpt.shape["classes"] else "regression"
    if args.x is not None:
        chunks: Iterable[list[list[float]]] = [
            [_parse(v.split(","), n, f"--x {v!r}") for v in args.x]
        ]
        fh = None
    else:
        fh, source = _input(args)
        chunks = _chunks(fh, n, source)
    try:
        sep = '{"predictions": ['
        for rows in chunks:
            preds = predict(net, features, n, task, rows)
            if task == "classification":
                preds = [{"class": k, "probabilities": p} for k, p in preds]
            if args.json:
                print(sep + ", ".join(json.dumps(p) for p in preds), end="")
                sep = ", "
                continue
            for row, pred in zip(rows, preds, strict=True):
                x = ",".join(f"{v:g}" for v in row)
                if task == "regression":
                    print(f"{x}\t{pred:.6g}")
                else:
                    probs = " ".join(f"{p:.4f}" for p in pred["probabilities"])
                    print(f"{x}\tclass {pred['class']}\t{probs}")
        if args.json:
            print(("" if sep == ", " else sep) + "]}")
    finally:
        if fh is not None and fh is not sys.stdin:
            fh.close()
    return EXIT_OK


def cmd_info(args) -> int:
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.datafields import width
    from torchplay.engine.run.describe import describe
    from torchplay.engine.steppers.fastpath import why_not
    from torchplay.engine.train import confusion

    ckpt = checkpoint.load(args.checkpoint)
    classes = confusion.of_checkpoint(ckpt, checkpoint.network(ckpt))
    last = ckpt.history.points[-1] if ckpt.history.points else (0, None, None)
    n_in, n_out = width(ckpt.spec.data.features, ckpt.shape["inputs"]), ckpt.shape["outputs"]
    fork = ckpt.forked_from
    autograd = None if ckpt.kernel == "compiled" else why_not(ckpt.spec.training, ckpt.spec)
    res = {
        "step": ckpt.step,
        "state": ckpt.state,
        "train_loss": last[1],
        "test_loss": last[2],
        "params": sum(
            t.numel() for k, t in ckpt.weights.items() if not k.endswith(checkpoint.BUFFERS)
        ),
        "checkpoint": args.checkpoint,
        "weights_sha256": checkpoint.weights_sha256(ckpt.weights),
        "diverged": ckpt.state == "diverged",
        "lr": ckpt.lr,
        "spec_lr": ckpt.spec.training.lr,
        "spec": ckpt.spec.to_dict(),
        "history_points": len(ckpt.history.points),
        "features": list(ckpt.spec.data.features),
        "run": ckpt.run,
        "kernel": ckpt.kernel,
        "fast_path": autograd is None,
        "fast_path_why": autograd,
        "forked_from": {"run": fork[0], "step": fork[1]} if fork else None,
        "surgery": _surgery(ckpt),
        **(classes or {}),
    }
    if args.json:
        print(json.dumps(res))
        return EXIT_OK
    print(printable(f"{args.checkpoint}: {ckpt.spec.name}, step {ckpt.step}, {ckpt.state}"))
    if ckpt.run is not None:
        print(
            f"run {ckpt.run}" + (f", forked from run {fork[0]} at step {fork[1]}" if fork else "")
        )
    if ckpt.spec.data.features:
        print(f"input features: {', '.join(ckpt.spec.data.features)} (predict takes raw inputs)")
    print(describe(ckpt.spec.model, n_in, n_out))
    print(f"lr {ckpt.lr:g} now (the spec's: {ckpt.spec.training.lr:g}); kernel {ckpt.kernel}")
    if autograd is not None:
        print(f"fast path: no ({autograd})")
    print("\n".join(printable(line) for line in ckpt.spec.to_toml().rstrip().splitlines()))
    for line in _surgery_lines(res["surgery"]):
        print(line)
    print(f"weights_sha256 {res['weights_sha256']}")
    if classes is not None:
        _print_confusion(classes)
    return EXIT_OK


def _surgery(ckpt) -> dict:
    """The run's neuron surgery: its entries (the spec's ``training.surgery``, as text)
    and the units frozen and killed at the checkpoint's step."""
    state = ckpt.surgery or {"frozen": [], "killed": []}
    return {
        "entries": [s.text for s in ckpt.spec.training.surgery],
        "frozen": state["frozen"],
        "killed": [k[:2] for k in state["killed"]],
    }


def _surgery_lines(surgery: dict) -> list[str]:
    if not surgery["entries"]:
        return []
    from torchplay.engine.run.surgery import parse_surgery

    lines = ["surgery (training.surgery; layers and units from 1):"]
    lines += [f"  {parse_surgery(t).describe()}" for t in surgery["entries"]]
    now = [f"layer {a} unit {b} killed" for a, b in surgery["killed"]]
    now += [f"layer {a} unit {b} frozen" for a, b in surgery["frozen"]]
    lines.append(f"  now: {', '.join(now) or 'every unit alive'}")
    return lines


def _print_confusion(classes: dict) -> None:
    """The training set's confusion matrix (rows true, columns predicted) and per-class
    precision and recall."""
    matrix, stats = classes["confusion"], classes["per_class"]
    width = max(5, *(len(str(c)) for row in matrix for c in row))
    print("confusion (training set; rows true class, columns predicted):")
    print("      " + " ".join(f"{j:>{width}}" for j in range(len(matrix))) + "  precision recall")
    for i, row in enumerate(matrix):
        p, r = stats["precision"][i], stats["recall"][i]
        cells = " ".join(f"{c:>{width}}" for c in row)
        shown = [" " * 9 if v is None else f"{v:9.3f}" for v in (p, r)]
        print(f"  {i:>3} {cells}  {shown[0]} {shown[1]}")
