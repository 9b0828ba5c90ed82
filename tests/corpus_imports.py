"""The corpus's files for ``torchplay import`` (state dicts, whole nets, pickles): see tests/corpus.py."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.corpus_case import Case, _write

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
