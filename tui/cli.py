"""The command line front door: ``torchplay [COMMAND] ...``.

Headless commands never import textual; ``--help`` answers without importing torch
(commands import the engine's heavy modules only when they run).

Exit codes: 0 success; 2 bad input (usage, spec, or an unreadable, unsafe or corrupt
file); 3 training diverged; 130 interrupted (SIGINT), 143 terminated (SIGTERM), after
saving to ``--save`` when given; 1 only for a bug.
"""

from __future__ import annotations

import argparse
import re
import sys

from torchplay.engine import __version__
from torchplay.engine.errors import EXIT_INPUT, InputError
from torchplay.engine.exporting import ALIASES, FORMATS
from torchplay.engine.scenarios import SCENARIOS
from torchplay.engine.spec import ACTIVATIONS, OPTIMIZERS, SpecError, parse_hidden

EPILOG = """exit codes: 0 success; 2 bad input (usage, spec, unreadable/unsafe/corrupt file);
3 training diverged; 130 interrupted by Ctrl-C (143 by SIGTERM), after saving to --save;
1 a bug. Scenarios: """ + ", ".join(SCENARIOS)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and negative numbers as values (``--x -1``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def hidden_list(text: str) -> list[int]:
    """``10`` or ``32,16`` -> [32, 16]; ``none`` is a linear model (no hidden layer)."""
    try:
        return list(parse_hidden(text))
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="torchplay",
        description="A PyTorch neural-network playground for the terminal. "
        "With no command, opens the app on the regression scenario.",
        epilog=EPILOG,
    )
    p.add_argument("--version", action="version", version=f"torchplay {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    t = sub.add_parser("train", help="train headlessly", epilog=EPILOG)
    t.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="a scenario name or a spec FILE.toml (default: regression)",
    )
    t.add_argument("--dataset", help="built-in dataset name or csv:PATH")
    t.add_argument("--target", help="CSV target column (default: the last)")
    t.add_argument("--samples", type=int)
    t.add_argument("--noise", type=float)
    t.add_argument("--test-fraction", type=float)
    t.add_argument("--classes", type=int, help="classes for blobs and spiral")
    t.add_argument(
        "--hidden", type=hidden_list, help="hidden widths, e.g. 10 or 32,16 (none: linear)"
    )
    t.add_argument("--activation", help=", ".join(ACTIVATIONS))
    t.add_argument("--optimizer", help=", ".join(OPTIMIZERS))
    t.add_argument("--lr", type=float)
    t.add_argument("--momentum", type=float)
    t.add_argument("--weight-decay", type=float)
    t.add_argument("--batch-size", type=int, help="0 = full batch")
    t.add_argument("--steps", type=int)
    t.add_argument("--seed", type=int)
    t.add_argument("--no-fast-path", action="store_true", help="force autograd + torch.optim")
    _output_args(t)

    r = sub.add_parser("resume", help="train more steps from a checkpoint", epilog=EPILOG)
    r.add_argument("checkpoint")
    r.add_argument("--steps", type=int, help="more steps (default: up to the spec's total)")
    _output_args(r)

    pr = sub.add_parser("predict", help="predict with a checkpoint", epilog=EPILOG)
    pr.add_argument("checkpoint")
    g = pr.add_mutually_exclusive_group(required=True)
    g.add_argument("--x", nargs="+", metavar="V", help="x values, or x1,x2 pairs")
    g.add_argument("--csv", metavar="FILE", help="a CSV of inputs")
    g.add_argument("stdin", nargs="?", choices=["-"], help="- reads inputs from stdin")
    pr.add_argument("--json", action="store_true")

    i = sub.add_parser("info", help="describe a checkpoint", epilog=EPILOG)
    i.add_argument("checkpoint")
    i.add_argument("--json", action="store_true")

    im = sub.add_parser("import", help="import a tutorial torch.save file", epilog=EPILOG)
    im.add_argument("file", help="a state_dict (.pkl/.pt/.pth) or a whole nn.Sequential")
    im.add_argument("--save", required=True, metavar="OUT.safetensors")
    im.add_argument("--activation", default="relu", help="for state_dicts (default: relu)")
    im.add_argument("--scenario", choices=list(SCENARIOS), help="the data to attach")

    ex = sub.add_parser("export", help="export a checkpoint's network", epilog=EPILOG)
    ex.add_argument("checkpoint")
    ex.add_argument(
        "--format",
        required=True,
        choices=[*FORMATS, *ALIASES],
        metavar="{" + ",".join(FORMATS) + "}",
        help="state-dict (torch.save), safetensors, python (a runnable script; "
        "'script' is its old name), torchscript (torch.jit.load), pt2 (torch.export.load), "
        "onnx (needs torchplay[onnx])",
    )
    ex.add_argument("--out", required=True, metavar="PATH")

    tu = sub.add_parser("tui", help="open the app", epilog=EPILOG)
    tu.add_argument(
        "source",
        nargs="?",
        default="regression",
        help="scenario, FILE.toml or checkpoint (default: regression)",
    )
    co = sub.add_parser("compare", help="compare up to three checkpoints in the app")
    co.add_argument("checkpoints", nargs="+")
    return p


def _output_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--save", metavar="PATH", help="write a checkpoint at the end")
    p.add_argument(
        "--metrics",
        metavar="PATH.jsonl",
        help="append JSON lines: a header (spec, versions, start time), then one row per "
        "logged step",
    )
    p.add_argument("--csv", metavar="PATH.csv", help="write the same rows as a CSV file")
    p.add_argument(
        "--tensorboard",
        metavar="DIR",
        help="write TensorBoard event files (scalars and the spec) into DIR "
        "(needs torchplay[tensorboard])",
    )
    p.add_argument("--plot", action="store_true", help="print loss and fit charts at the end")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--quiet", action="store_true", help="print only the result")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``torchplay`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in (None, "tui", "compare"):
            # Textual loads here and only here: headless commands and --help never pay
            # for it (tests/engine/test_imports.py checks).
            from torchplay.tui.app import run_app

            source = getattr(args, "source", "regression")
            return run_app(source, compare=getattr(args, "checkpoints", []))
        from torchplay.tui import commands

        return getattr(commands, f"cmd_{args.command}")(args)
    except InputError as exc:  # spec, data, checkpoint, import and command-line errors
        print(f"torchplay: error: {exc}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
