"""The tutorial's style of runnable script for a trained network (``export --format
python``): the ``nn.Sequential`` (with its residual block class where it has one), the
weights, the input features, and a command line that prints predictions."""

from __future__ import annotations


def script_source(trainer) -> str:
    """A tutorial-style script: build the Sequential, load these weights, print predictions."""
    from torchplay.engine.run.describe import sequential_code
    from torchplay.engine.train import features

    spec, d = trainer.spec, trainer.data
    values = {k: v.tolist() for k, v in trainer.weights().items()}
    lines = [
        '"""Exported by torchplay: the network of the tutorial\'s section 3.2, with trained',
        'weights. Run: python THIS_FILE [x ...]  (classification: x1,x2 pairs)."""',
        "import math",
        "import sys",
        "",
        "import torch",
        "",
        sequential_code(spec.model, trainer.n_features, d.n_outputs),
        "",
        features.source(spec.data.features),
        f"state = {values!r}",
        "net.load_state_dict({k: torch.tensor(v) for k, v in state.items()})",
        "",
        _USAGE.format(n=d.n_inputs, form="x1,x2 pairs" if d.n_inputs == 2 else "x values"),
        "args = sys.argv[1:] or " + repr(_default_inputs(trainer)),
        "x = torch.tensor(rows(args))",
        "with torch.no_grad():",
        "    out = net(features(x))",
    ]
    if d.task == "regression":
        lines.append("for a, y in zip(args, out[:, 0].tolist()):\n    print(a, repr(y))")
    else:
        lines.append(
            "for a, p in zip(args, torch.softmax(out, 1).tolist()):\n"
            "    print(a, max(range(len(p)), key=p.__getitem__), [repr(v) for v in p])"
        )
    return "\n".join(lines) + "\n"


_USAGE = """
def rows(args):
    \"\"\"The inputs, {n} finite numbers each (joined by commas); else a usage line.\"\"\"
    out = []
    for a in args:
        try:
            row = [float(v) for v in a.split(",")]
        except ValueError:
            row = []
        if len(row) != {n} or not all(math.isfinite(v) for v in row):
            print(f"usage: python {{sys.argv[0]}} [INPUT ...]  (each INPUT: {n} number(s)"
                  f" joined by commas, {form}; {{a!r}} is not)", file=sys.stderr)
            sys.exit(2)
        out.append(row)
    return out
"""


def _default_inputs(trainer) -> list[str]:
    if trainer.data.task == "regression":
        lo, hi = trainer.data.domain
        return [repr(lo + (hi - lo) * i / 4) for i in range(5)]
    return ["2.0,2.0", "-2.0,-2.0", "0.0,0.0"]
