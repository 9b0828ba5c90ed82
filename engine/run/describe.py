"""Text views of a network without torch: ``print(net)`` and tutorial-style code.

The UI process shows the model view from these; a test checks them against torch.
"""

from __future__ import annotations

from torchplay.engine.run.layers import ACTIVATION_TABLE, Layer, plan, widths
from torchplay.engine.run.spec import ModelSpec


def _plan(model: ModelSpec, n_in: int, n_out: int) -> list[Layer]:
    return plan(model.hidden, model.activation, n_in, n_out)


def param_counts(model: ModelSpec, n_in: int, n_out: int) -> list[int]:
    """Parameters per Linear layer (weights + biases)."""
    return [x.n_in * x.n_out + x.n_out for x in _plan(model, n_in, n_out) if not x.activation]


def sequential_repr(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Exactly what ``print(net)`` prints for the ``nn.Sequential`` built from ``model``."""
    lines = ["Sequential("]
    for x in _plan(model, n_in, n_out):
        shown = (
            ACTIVATION_TABLE[x.activation].shown
            if x.activation
            else f"Linear(in_features={x.n_in}, out_features={x.n_out}, bias=True)"
        )
        lines.append(f"  ({x.index}): {shown}")
    lines.append(")")
    return "\n".join(lines)


def describe(model: ModelSpec, n_in: int, n_out: int) -> str:
    """``print(net)`` plus a parameter count per Linear layer and in total."""
    counts = param_counts(model, n_in, n_out)
    per = ", ".join(f"{c:,}" for c in counts)
    return f"{sequential_repr(model, n_in, n_out)}\nparameters: {sum(counts):,} ({per})"


def sequential_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.2 style: the network as one ``torch.nn.Sequential`` call."""
    parts = [
        f"    torch.nn.{ACTIVATION_TABLE[x.activation].module}(),"
        if x.activation
        else f"    torch.nn.Linear({x.n_in}, {x.n_out}),"
        for x in _plan(model, n_in, n_out)
    ]
    return "net = torch.nn.Sequential(\n" + "\n".join(parts) + "\n)"


def subclass_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.1 style: the same network as a subclassed ``Net``."""
    w = widths(model.hidden, n_in, n_out)
    fn = ACTIVATION_TABLE[model.activation].function
    names = [f"hidden{i + 1}" if len(w) > 3 else "hidden" for i in range(len(w) - 2)]
    names.append("predict")
    init = [
        f"        self.{n} = torch.nn.Linear({a}, {b})"
        for n, a, b in zip(names, w, w[1:], strict=False)
    ]
    fwd = [
        f"        x = {fn}(self.{n}(x))" if fn else f"        x = self.{n}(x)" for n in names[:-1]
    ]
    fwd.append(f"        x = self.{names[-1]}(x)")
    return "\n".join(
        [
            "class Net(torch.nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            *init,
            "",
            "    def forward(self, x):",
            *fwd,
            "        return x",
        ]
    )
