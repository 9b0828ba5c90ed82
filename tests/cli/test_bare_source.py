"""``torchplay X`` opens the app on X as ``torchplay tui X`` does, when X is a scenario
name or an existing file; any other first word is refused in one line, exit 2."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("args", [["{toml}"], ["--fps", "10", "{toml}"], ["classification"]])
def test_a_scenario_or_file_goes_to_the_app(tmp_path, args) -> None:
    toml = tmp_path / "grid.toml"
    toml.write_text('scenario = "regression"\n[training]\nsteps = 30\n')
    args = [a.format(toml=toml.name) for a in args]
    bare = run_cli(*args, cwd=tmp_path, input="")
    tui = run_cli("tui", *[a for a in args if a != "--fps" and a != "10"], cwd=tmp_path, input="")
    # No terminal here: the app's own refusal, word for word, not argparse's choices.
    assert bare == tui and bare[0] == 2 and "needs a terminal" in bare[2], bare


def test_a_checkpoint_is_checked_as_tui_checks_it(tmp_path) -> None:
    (tmp_path / "bad.safetensors").write_bytes(b"not a checkpoint")
    bare = run_cli("bad.safetensors", cwd=tmp_path, input="")
    assert bare == run_cli("tui", "bad.safetensors", cwd=tmp_path, input="")
    assert bare[0] == 2 and "bad.safetensors" in bare[2] and "invalid choice" not in bare[2]


@pytest.mark.parametrize("word", ["grid.toml", "trian", "runs/a.safetensors"])
def test_anything_else_is_one_line(tmp_path, word) -> None:
    code, out, err = run_cli(word, cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        f"torchplay: error: {word!r} is not a command, scenario or file: see torchplay --help\n"
    )
