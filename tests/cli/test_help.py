"""--help covers every option with a default and an example; every spec field has a flag;
shell completion scripts are valid."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess

import pytest
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.spec import spec_fields
from torchplay.tui.cli.flags import SPEC_FLAGS, spec_overrides
from torchplay.tui.cli.parser import build_parser

from tests.conftest import run_cli


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


SUBCOMMANDS = sorted(_subparsers())


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_option_has_help_with_its_default(name) -> None:
    sub = _subparsers()[name]
    text = sub.format_help()
    assert "example:\n  torchplay " + name in text
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{name}: {action.dest} has no help"
        for option in action.option_strings:
            assert option in text
        if action.option_strings and not action.required:
            shown = sub._get_formatter()._get_help_string(action)
            assert "default" in shown, f"{name} {action.option_strings}: no default shown"


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_spec_field_has_a_flag_that_reaches_the_spec(scenario) -> None:
    """Each field's flag, given the text of the scenario's value, sets that value: the
    parser, flag and help of every field come from its own FieldInfo."""
    spec = get_scenario(scenario)
    parser = build_parser()
    for field in spec_fields():
        section, name = field.key.split(".")
        value = getattr(getattr(spec, section), name)
        info = field.info
        if info.switch:
            argv = [info.flag if value else f"--no-{info.flag[2:]}"]
        elif value is None or (info.nargs and not value):
            continue  # no flag value means None or no painted points
        elif info.nargs:
            argv = [info.flag, *(",".join(map(str, p)) for p in value)]
        else:
            argv = [info.flag, info.show(value)]
        args = parser.parse_args(["train", scenario, *argv])
        got = spec.with_overrides(spec_overrides(args))
        assert got == spec, (field.key, argv)
        assert set(spec_overrides(args)) == {field.key}, argv
    assert {key for _, key, _ in SPEC_FLAGS} == {f.key for f in spec_fields()}


def test_top_level_help_lists_every_command() -> None:
    code, out, err = run_cli("--help")
    assert code == 0 and err == ""
    for name in SUBCOMMANDS:
        assert name in out


def test_new_flags_reach_the_spec(cli, tmp_path) -> None:
    ck = str(tmp_path / "r.safetensors")
    args = ["--test-fraction", "0.2", "--momentum", "0.9", "--nesterov", "--weight-decay", "0.01"]
    code, _, err = cli("train", "--steps", "3", "--quiet", "--save", ck, *args, "--no-fast-path")
    assert code == 0, err
    code, out, _ = cli("info", ck, "--json")
    spec = json.loads(out)["spec"]
    assert spec["data"]["test_fraction"] == 0.2
    t = spec["training"]
    assert (t["momentum"], t["nesterov"], t["weight_decay"], t["fast_path"]) == (
        0.9,
        True,
        0.01,
        False,
    )


def test_bash_completion_is_valid_and_knows_the_flags(tmp_path) -> None:
    code, out, err = run_cli("completion", "bash")
    assert code == 0, err
    assert "--test-fraction" in out and "export" in out and "onnx" in out
    script = tmp_path / "torchplay.bash"
    script.write_text(out)
    proc = subprocess.run(
        ["bash", "-c", f"source {script} && complete -p torchplay"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "torchplay" in proc.stdout, proc.stderr


def test_zsh_completion(tmp_path) -> None:
    code, out, _ = run_cli("completion", "zsh")
    assert code == 0 and out.startswith("#compdef torchplay") and "--tensorboard" in out
    if shutil.which("zsh"):
        script = tmp_path / "_torchplay"
        script.write_text(out)
        assert subprocess.run(["zsh", "-n", str(script)]).returncode == 0


def test_completion_needs_a_known_shell(cli) -> None:
    code, _, err = cli("completion", "fish")
    assert code == 2 and "fish" in err


def test_help_says_what_a_bare_torchplay_opens(cli) -> None:
    """Issue 22 D6: a bare ``torchplay`` opens the scenario the app had open last (the
    settings' ``scenario``), not always regression; the help says so."""
    code, out, _ = cli("--help")
    said = " ".join(out.split())
    assert code == 0
    assert "opens the app on the regression scenario" not in said
    assert "the scenario the app had open last (at first: regression)" in said
