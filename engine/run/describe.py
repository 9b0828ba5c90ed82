"""Text views of a network without torch: ``print(net)`` and tutorial-style code.

The UI process shows the model view from these; a test checks them against torch.
"""

from __future__ import annotations

from torchplay.engine.run.layers import (
    ACTIVATION_TABLE,
    NORM_TABLE,
    RESIDUAL,
    Layer,
    blocks,
    model_plan,
    walk,
    widths,
)
from torchplay.engine.run.spec import ModelSpec


def _plan(model: ModelSpec, n_in: int, n_out: int) -> list[Layer]:
    return model_plan(model, n_in, n_out)


def param_counts(model: ModelSpec, n_in: int, n_out: int) -> list[int]:
    """Parameters per Linear layer (weights + biases; a norm's count with the Linear
    layer before it)."""
    out: list[int] = []
    for _, x in walk(_plan(model, n_in, n_out)):
        if x.kind == "linear":
            out.append(x.n_in * x.n_out + x.n_out)
        elif x.kind == "norm":
            out[-1] += 2 * x.n_out
    return out


def _shown(x: Layer) -> str:
    if x.kind == "linear":
        return f"Linear(in_features={x.n_in}, out_features={x.n_out}, bias=True)"
    if x.kind == "activation":
        return ACTIVATION_TABLE[x.activation].shown
    if x.kind == "norm":
        return NORM_TABLE[x.norm][1].format(w=x.n_out)
    return f"Dropout(p={x.dropout}, inplace=False)"


def _repr_lines(layers, indent: str) -> list[str]:
    lines = []
    for x in layers:
        if x.block:
            lines.append(f"{indent}({x.index}): {RESIDUAL}(")
            lines += _repr_lines(x.block, indent + "  ")
            lines.append(f"{indent})")
        else:
            lines.append(f"{indent}({x.index}): {_shown(x)}")
    return lines


def sequential_repr(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Exactly what ``print(net)`` prints for the ``nn.Sequential`` built from ``model``."""
    lines = ["Sequential(", *_repr_lines(_plan(model, n_in, n_out), "  "), ")"]
    return "\n".join(lines)


def describe(model: ModelSpec, n_in: int, n_out: int) -> str:
    """``print(net)`` plus a parameter count per Linear layer and in total."""
    counts = param_counts(model, n_in, n_out)
    per = ", ".join(f"{c:,}" for c in counts)
    return f"{sequential_repr(model, n_in, n_out)}\nparameters: {sum(counts):,} ({per})"


RESIDUAL_CODE = """class Residual(torch.nn.Sequential):
    def forward(self, x):
        h = x
        for module in self:
            h = module(h)
        return x + h
"""
"""The residual block's class, as tutorial code (:class:`torchplay.engine.train.model.Residual`)."""


def _code(x: Layer) -> str:
    if x.kind == "linear":
        return f"torch.nn.Linear({x.n_in}, {x.n_out})"
    if x.kind == "activation":
        return f"torch.nn.{ACTIVATION_TABLE[x.activation].module}()"
    if x.kind == "norm":
        return f"torch.nn.{NORM_TABLE[x.norm][0]}({x.n_out})"
    return f"torch.nn.Dropout({x.dropout})"


def _code_lines(layers, indent: str) -> list[str]:
    lines = []
    for x in layers:
        if x.block:
            lines += [f"{indent}{RESIDUAL}(", *_code_lines(x.block, indent + "    "), f"{indent}),"]
        else:
            lines.append(f"{indent}{_code(x)},")
    return lines


def sequential_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.2 style: the network as one ``torch.nn.Sequential`` call (after
    the :data:`RESIDUAL_CODE` class with residual blocks; then ``net.eval()`` where
    dropout or batch norm make train and eval mode differ)."""
    layers = _plan(model, n_in, n_out)
    head = RESIDUAL_CODE + "\n\n" if any(x.block for x in layers) else ""
    code = "net = torch.nn.Sequential(\n" + "\n".join(_code_lines(layers, "    ")) + "\n)"
    return head + code + ("\nnet.eval()" if model.modal else "")


def subclass_code(model: ModelSpec, n_in: int, n_out: int) -> str:
    """Tutorial section 3.1 style: the same network as a subclassed ``Net`` (its modules
    registered in the order they run, so its ``state_dict`` lists tensors in the order of
    the Sequential's)."""
    w = widths(model.hidden, n_in, n_out)
    many = len(w) > 3
    starts = dict(blocks(model.hidden)) if model.residual else {}
    ends = set(starts.values())
    init, fwd = [], []
    for j, (fn_name, p) in enumerate(zip(model.activations, model.dropouts, strict=True)):
        n = f"{{}}{j + 1}" if many else "{}"
        init.append(f"        self.{n.format('hidden')} = torch.nn.Linear({w[j]}, {w[j + 1]})")
        call = f"self.{n.format('hidden')}(x)"
        if model.norm != "none":
            cls = NORM_TABLE[model.norm][0]
            init.append(f"        self.{n.format('norm')} = torch.nn.{cls}({w[j + 1]})")
            call = f"self.{n.format('norm')}({call})"
        if j in starts:
            fwd.append("        skip = x")
        fn = ACTIVATION_TABLE[fn_name].function
        fwd.append(f"        x = {fn}({call})" if fn else f"        x = {call}")
        if p:
            init.append(f"        self.{n.format('drop')} = torch.nn.Dropout({p})")
            fwd.append(f"        x = self.{n.format('drop')}(x)")
        if j in ends:
            fwd.append("        x = x + skip")
    init.append(f"        self.predict = torch.nn.Linear({w[-2]}, {w[-1]})")
    fwd.append("        x = self.predict(x)")
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
