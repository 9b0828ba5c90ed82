"""The command line's argparse parser: every subcommand, its flags, help and examples.

Built by :func:`build_parser` for :func:`torchplay.tui.cli.main.main` and for the shell
completion script. Never imports textual or torch (``--help`` answers without them).
"""

from __future__ import annotations

import argparse
import re
import sys

from torchplay.engine import __version__
from torchplay.engine.files.exporting import ALIASES, FORMATS
from torchplay.engine.run.errors import EXIT_INPUT
from torchplay.engine.run.scenarios import SCENARIOS
from torchplay.engine.run.spec import ACTIVATIONS
from torchplay.tui.cli.flags import FPS, HelpFormatter, add_spec_flags
from torchplay.tui.cli.inspecting import add_arguments as add_inspect_arguments
from torchplay.tui.cli.learn import add_check_arguments, add_learn_arguments
from torchplay.tui.cli.serve import add_arguments as add_serve_arguments
from torchplay.tui.cli.sharing import add_open_arguments, add_share_arguments
from torchplay.tui.cli.sweep import add_arguments as add_sweep_arguments

EPILOG = (
    "exit codes: 0 success; 2 bad input (usage, spec, unreadable/unsafe/corrupt file);\n"
    "3 training diverged; 130 interrupted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP), after\n"
    "saving to --save; 141 stdout closed (| head); 1 a bug. Scenarios: "
    + ", ".join(SCENARIOS)
    + "."
)

EXAMPLES = {
    "train": "torchplay train classification --steps 500 --optimizer adam --lr 0.01 --json\n"
    "  torchplay train run.toml --save runs/a.safetensors --metrics runs/a.jsonl",
    "resume": "torchplay resume runs/a.safetensors --steps 1000 --save runs/b.safetensors",
    "predict": "torchplay predict runs/a.safetensors --x 0.5 1.0 --json\n"
    "  torchplay predict runs/c.safetensors --x 1,2 -1,0.5   (two inputs: x1,x2 pairs)",
    "info": "torchplay info runs/a.safetensors --json",
    "inspect": "torchplay inspect runs/a.safetensors --point 0.5,-1 --json\n"
    "  torchplay inspect classification --health   (the initial weights)",
    "import": "torchplay import net_params.pkl --activation relu --save runs/imported.safetensors",
    "lr-find": "torchplay lr-find regression --plot\n"
    "  torchplay lr-find classification --optimizer adam --json",
    "export": "torchplay export runs/a.safetensors --format onnx --out net.onnx",
    "completion": "torchplay completion bash > ~/.local/share/bash-completion/completions/torchplay",
    "sweep": "torchplay sweep regression --grid training.lr=0.05,0.1,0.2,0.4 "
    "--grid data.seed=1..4 --steps 300 --plot\n"
    "  torchplay sweep classification --search tpe --trials 32 --space training.lr=1e-3:1:log",
    "tui": "torchplay tui classification",
    "serve": "torchplay serve classification --port 8000   (then open http://127.0.0.1:8000)",
    "compare": "torchplay compare runs/a.safetensors runs/b.safetensors",
    "learn": "torchplay learn   (the list)\n  torchplay learn xor-hidden   (the app, on that lesson)",
    "check": "torchplay check xor-hidden --solution student.toml --json",
    "share": "torchplay share runs/a.safetensors",
    "open": "torchplay open torchplay:v1:eNpV...   (prints verified, exit 0)",
}
"""One example per subcommand, shown at the end of its --help."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and negative numbers as values (``--x -1``)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def _print_message(self, message: str, file=None) -> None:
        # argparse swallows OSError here: a --help longer than stdout's buffer on a full
        # disk would exit 0 with nothing written; let main() report it (exit 2).
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _command(sub, name: str, help: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name, help=help, description=help, epilog=f"example:\n  {EXAMPLES[name]}\n\n{EPILOG}"
    )


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="torchplay",
        description="A PyTorch neural-network playground for the terminal. "
        "With no command, opens the app on the scenario the app had open last (at first: "
        "regression); torchplay SCENARIO, "
        "FILE.toml or CKPT opens it there, as torchplay tui does.",
        epilog="example:\n  torchplay train classification --steps 500 --json\n\n" + EPILOG,
    )
    p.add_argument("--version", action="version", version=f"torchplay {__version__}")
    _app_args(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    t = _command(sub, "train", "train headlessly")
    t.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="a scenario name or a spec FILE.toml (default: regression)",
    )
    add_spec_flags(t)
    t.add_argument(
        "--device", default="cpu", choices=["cpu", "cuda"], help="where to train (cuda: the GPU)"
    )
    _output_args(t)

    lf = _command(sub, "lr-find", "suggest a learning rate (Smith's range test)")
    lf.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="a scenario name or a spec FILE.toml (default: regression)",
    )
    add_spec_flags(lf)
    lf.add_argument("--min-lr", type=float, default=1e-6, metavar="F", help="the first lr tried")
    lf.add_argument("--max-lr", type=float, default=10.0, metavar="F", help="the last lr tried")
    lf.add_argument(
        "--num-steps", type=int, default=100, metavar="N", help="steps (lrs) of the test, 20-10000"
    )
    lf.add_argument("--plot", action="store_true", help="print the curve, the suggestion marked")
    lf.add_argument(
        "--json",
        action="store_true",
        help='print {"suggested_lr", "rule", "suggestions", "lrs", "losses", "diverged"} '
        "(losses smoothed; suggestions: every rule's lr)",
    )

    r = _command(sub, "resume", "train more steps from a checkpoint")
    r.add_argument("checkpoint", help="a torchplay .safetensors checkpoint")
    r.add_argument(
        "--steps", type=int, metavar="N", help="more steps (default: up to the spec's total)"
    )
    _output_args(r)

    pr = _command(sub, "predict", "predict with a checkpoint")
    pr.add_argument("checkpoint", help="a torchplay .safetensors checkpoint")
    g = pr.add_mutually_exclusive_group(required=True)
    g.add_argument("--x", nargs="+", metavar="V", help="x values, or x1,x2 pairs")
    g.add_argument("--csv", metavar="FILE", help="a CSV of inputs")
    g.add_argument("stdin", nargs="?", choices=["-"], help="- reads inputs from stdin")
    pr.add_argument("--json", action="store_true", help="print one JSON object")

    i = _command(sub, "info", "describe a checkpoint")
    i.add_argument("checkpoint", help="a torchplay .safetensors checkpoint")
    i.add_argument("--json", action="store_true", help="print one JSON object")

    add_inspect_arguments(
        _command(sub, "inspect", "trace one point's backprop, or a network's training health")
    )

    im = _command(sub, "import", "import a tutorial torch.save file")
    im.add_argument("file", help="a state_dict (.pkl/.pt/.pth) or a whole nn.Sequential")
    im.add_argument(
        "--save", required=True, metavar="OUT.safetensors", help="the checkpoint to write"
    )
    im.add_argument(
        "--activation",
        default="relu",
        metavar="NAME[,NAME...]",
        help=f"for state_dicts: {', '.join(ACTIVATIONS)}, or one per hidden layer: relu,tanh",
    )
    im.add_argument(
        "--dropout", metavar="P[,P...]", help="the network's dropout (default: 0, none)"
    )
    im.add_argument(
        "--norm", metavar="NAME", help="the network's norm: none, batch, layer (default: none)"
    )
    im.add_argument(
        "--residual",
        action=argparse.BooleanOptionalAction,
        help="the network has residual blocks (model.residual; default: off)",
    )
    im.add_argument(
        "--scenario",
        choices=list(SCENARIOS),
        help="the data to attach (default: by the network's shape)",
    )

    ex = _command(sub, "export", "export a checkpoint's network")
    ex.add_argument("checkpoint", help="a torchplay .safetensors checkpoint")
    ex.add_argument(
        "--format",
        required=True,
        choices=[*FORMATS, *ALIASES],
        metavar="{" + ",".join(FORMATS) + "}",
        help="state-dict (torch.save), safetensors, python (a runnable script; "
        "'script' is its old name), torchscript (torch.jit.load), pt2 (torch.export.load), "
        "onnx (needs torchplay[onnx])",
    )
    ex.add_argument("--out", required=True, metavar="PATH", help="the file to write")

    co = _command(sub, "completion", "print a shell completion script")
    co.add_argument("shell", choices=["bash", "zsh"], help="the shell")

    add_sweep_arguments(_command(sub, "sweep", "train a grid of runs at once"))

    tu = _command(sub, "tui", "open the app")
    tu.add_argument(
        "source",
        nargs="?",
        default=None,
        help="scenario, FILE.toml, checkpoint or share string (default: the last scenario "
        "the app had open, else regression)",
    )
    _app_args(tu, argparse.SUPPRESS)
    add_serve_arguments(_command(sub, "serve", "serve the app to a browser tab (textual-serve)"))
    le = _command(sub, "learn", "list the lessons, or open the app on one")
    add_learn_arguments(le)
    _app_args(le, argparse.SUPPRESS)
    add_check_arguments(_command(sub, "check", "grade a run against a lesson's goal"))
    add_share_arguments(_command(sub, "share", "print a share string of a run"))
    add_open_arguments(_command(sub, "open", "rebuild a shared run and verify its weights"))
    cm = _command(sub, "compare", "compare up to three checkpoints in the app")
    cm.add_argument("checkpoints", nargs="+", help="torchplay .safetensors checkpoints")
    _app_args(cm, argparse.SUPPRESS)
    return p


def _app_args(p: argparse.ArgumentParser, default: object = False) -> None:
    """The app's terminal options, on the bare command (``torchplay --ascii``) and on
    ``tui``/``compare``, whose ``default`` is SUPPRESS (argparse would let a subcommand's
    default overwrite the bare command's flag)."""
    p.add_argument(
        "--ascii",
        action="store_true",
        default=default,
        help="draw with plain ASCII characters (default: only where the locale is not UTF-8, "
        "as LANG=C, or TERM=linux)",
    )
    p.add_argument(
        "--fps",
        type=int,
        metavar="N",
        default=default if default is argparse.SUPPRESS else FPS,
        help=f"chart frames a second, both charts together, 1 to 60 (default: {FPS}; "
        "fewer for a slow link)",
    )


def _output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--save", metavar="PATH", help="write a checkpoint at the end")
    p.add_argument(
        "--save-every",
        type=int,
        metavar="N",
        help="also rewrite --save atomically every N steps (a kill leaves the last multiple)",
    )
    p.add_argument(
        "--save-best",
        metavar="PATH",
        help="write the weights with the lowest test loss (train loss without a test split)",
    )
    p.add_argument(
        "--metrics",
        metavar="PATH.jsonl",
        help="append JSON lines: a header (spec, versions, start time), then one row per "
        "logged step",
    )
    p.add_argument("--csv", metavar="PATH.csv", help="write the same rows as a CSV file")
    p.add_argument(
        "--health-every",
        type=int,
        metavar="N",
        help="rows gain grad_norms (each Linear layer's full-batch gradient norm) every N steps",
    )
    p.add_argument(
        "--tensorboard",
        metavar="DIR",
        help="write TensorBoard event files (scalars and the spec) into DIR "
        "(needs torchplay[tensorboard])",
    )
    p.add_argument("--plot", action="store_true", help="print loss and fit charts at the end")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--quiet", action="store_true", help="print only the result")
