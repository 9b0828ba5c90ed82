"""The command line is a contract: stdout, stderr and the exit code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli


def test_train_json_is_one_object(cli, tmp_path) -> None:
    code, out, err = cli("train", "--json", "--save", str(tmp_path / "r.safetensors"))
    assert code == 0, err
    res = json.loads(out)
    assert res["step"] == 100 and res["train_loss"] <= 0.02 and res["r2"] > 0.8
    assert res["params"] == 31 and res["checkpoint"].endswith("r.safetensors")
    assert len(res["weights_sha256"]) == 64 and res["diverged"] is False


def test_train_classification_reports_accuracy(cli) -> None:
    code, out, _ = cli("train", "classification", "--json")
    assert code == 0 and json.loads(out)["accuracy"] >= 0.97


def test_quiet_prints_only_the_result(cli) -> None:
    code, out, err = cli("train", "--quiet", "--steps", "10")
    assert code == 0 and out.startswith("finished at step 10") and err == ""


def test_plain_progress_when_not_a_terminal(cli) -> None:
    code, _, err = cli("train", "--steps", "50")
    assert code == 0 and "step 50/50" in err


def test_plot_prints_charts(cli) -> None:
    code, out, _ = cli("train", "--quiet", "--steps", "20", "--plot")
    assert code == 0 and "loss" in out and "regression fit" in out


def test_toml_spec_file(cli, tmp_path) -> None:
    spec = tmp_path / "run.toml"
    spec.write_text('scenario = "classification"\n[training]\nsteps = 5\noptimizer = "adam"\n')
    code, out, _ = cli("train", str(spec), "--json")
    assert code == 0 and json.loads(out)["step"] == 5


def test_divergence_exits_3(cli) -> None:
    code, out, _ = cli("train", "--lr", "100", "--json")
    res = json.loads(out)
    assert code == 3 and res["diverged"] and res["diverged_at"] <= 100


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--lr", "0"], "training.lr = 0.0"),
        (["--lr", "nan"], "training.lr = nan"),
        (["--lr", "abc"], "'abc'"),
        (["--hidden", "10,,5"], "'10,,5'"),
        (["--hidden", "-3"], "model.hidden = -3"),
        (["--steps", "-1"], "training.steps = -1"),
        (["--samples", "1000000000"], "data.samples = 1000000000"),
        (["--activation", "swish"], "model.activation = 'swish'"),
        (["--batch-size", "500"], "training.batch_size = 500"),
        (["nosuch"], "unknown scenario 'nosuch'"),
        (["circles"], "it is a dataset; try classification --dataset circles"),
        (["sine"], "it is a dataset; try regression --dataset sine"),
    ],
)
def test_bad_values_exit_2_with_one_line(cli, args, needle) -> None:
    code, out, err = cli("train", *args)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1


def test_help_answers() -> None:
    code, out, err = run_cli("--help")
    assert code == 0 and "train" in out and "exit codes" in out and err == ""


def test_a_bug_exits_1_with_a_traceback() -> None:
    """Only an unexpected error (a bug) reaches exit 1; it is not dressed up as bad input."""
    code = (
        "import sys, torchplay.tui.cli.reading as c\n"
        "c.cmd_info = lambda args: 1 / 0\n"
        "from torchplay.tui.cli.main import main\n"
        "sys.exit(main(['info', 'x.safetensors']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "ZeroDivisionError" in proc.stderr
