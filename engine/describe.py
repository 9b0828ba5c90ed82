"""Text views of a network without torch: ``print(net)`` and tutorial-style code.

The UI process shows the model view from these; a test checks them against torch.
"""

from __future__ import annotations

from torchplay.engine.spec import ModelSpec

_MODULES = {
    "relu": ("ReLU()", "torch.nn.ReLU()", "F.relu"),
    "tanh": ("Tanh()", "torch.nn.Tanh()", "torch.tanh"),
    "sigmoid": ("Sigmoid()", "torch.nn.Sigmoid()", "torch.sigmoid"),
    "leaky_relu": ("LeakyReLU(negative_slope=0.01)", "torch.nn.LeakyReLU()", "F.leaky_relu"),
    "elu": ("ELU(alpha=1.0)", "torch.nn.ELU()", "F.elu"),
    "gelu": ("GELU(approximate='none')", "torch.nn.GELU()", "F.gelu"),
    "softplus": ("Softplus(beta=1.0, threshold=20.0)", "torch.nn.Softplus()", "F.softplus"),
    "identity": ("Identity()", "torch.nn.Identity()", ""),
}


def widths(model: ModelSpec, n_in: int, n_out: int) -> list[int]:
    """Layer widths from input to output, e.g. [1, 10, 1]."""
    return [n_in, *model.hidden, n_out]


def param_counts(model: ModelSpec, n_in: int, n_out: int) -> list[int]:
    """Parameters per Linear layer (weights + biases)."""
    w = widths(model, n_in, n_out)
    return [a * b + b for a, b in zip(w, w[1:], strict=False)]


def sequential_repr(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Exactly what ``print(net)`` prints for the ``nn.Sequential`` built from ``model``."""
    w = widths(model, n_in, n_out)
    lines, i = ["Sequential("], 0
    for k, (a, b) in enumerate(zip(w, w[1:], strict=False)):
        lines.append(f"  ({i}): Linear(in_features={a}, out_features={b}, bias=True)")
        i += 1
        if k < len(w) - 2:
            lines.append(f"  ({i}): {_MODULES[model.activation][0]}")
            i += 1
    lines.append(")")
    return "\n".join(lines)


def describe(model: ModelSpec, n_in: int, n_out: int) -> str:
    """``print(net)`` plus a parameter count per Linear layer and in total."""
    counts = param_counts(model, n_in, n_out)
    per = ", ".join(f"{c:,}" for c in counts)
    return f"{sequential_repr(model, n_in, n_out)}\nparameters: {sum(counts):,} ({per})"


def sequential_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.2 style: the network as one ``torch.nn.Sequential`` call."""
    w = widths(model, n_in, n_out)
    parts = []
    for k, (a, b) in enumerate(zip(w, w[1:], strict=False)):
        parts.append(f"    torch.nn.Linear({a}, {b}),")
        if k < len(w) - 2:
            parts.append(f"    {_MODULES[model.activation][1]},")
    return "net = torch.nn.Sequential(\n" + "\n".join(parts) + "\n)"


def subclass_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.1 style: the same network as a subclassed ``Net``."""
    w = widths(model, n_in, n_out)
    fn = _MODULES[model.activation][2]
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
