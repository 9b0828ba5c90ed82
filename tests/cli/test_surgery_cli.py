"""Neuron surgery on the command line: ``train --surgery`` and a TOML ``surgery = [...]``
train the same weights; ``info`` shows the entries and the units killed or frozen;
``train`` of a checkpoint's spec trains its weights again (weights_sha256); bad entries
exit 2 with one line naming the entry."""

from __future__ import annotations

import json

import pytest

BASE = ["classification", "--dataset", "circles", "--hidden", "6", "--steps", "60"]


def test_surgery_from_flags_and_toml_trains_the_same_and_info_shows_it(cli, tmp_path) -> None:
    flags = str(tmp_path / "flags.safetensors")
    code, _, err = cli("train", *BASE, "--surgery", "20:1:3:kill", "0:1:2:freeze", "--save", flags)
    assert code == 0, err
    code, out, err = cli("info", flags, "--json")
    assert code == 0, err
    res = json.loads(out)
    assert res["surgery"] == {
        "entries": ["0:1:2:freeze", "20:1:3:kill"],
        "frozen": [[1, 2]],
        "killed": [[1, 3]],
    }
    assert res["spec"]["training"]["surgery"] == ["0:1:2:freeze", "20:1:3:kill"]
    toml = tmp_path / "run.toml"
    code, spec_text, err = cli("info", flags)
    assert code == 0, err
    assert "after step 20, layer 1 unit 3: kill" in spec_text
    assert "now: layer 1 unit 3 killed, layer 1 unit 2 frozen" in spec_text
    toml.write_text(
        'scenario = "classification"\n[data]\ndataset = "circles"\n[model]\nhidden = [6]\n'
        '[training]\nsteps = 60\nsurgery = ["20:1:3:kill", '
        '{step = 0, layer = 1, unit = 2, action = "freeze"}]\n'
    )
    again = str(tmp_path / "toml.safetensors")
    code, _, err = cli("train", str(toml), "--save", again)
    assert code == 0, err
    code, out, _ = cli("info", again, "--json")
    assert json.loads(out)["weights_sha256"] == res["weights_sha256"]


def test_a_checkpoints_spec_trains_its_weights_again(cli, tmp_path) -> None:
    path = str(tmp_path / "a.safetensors")
    code, _, err = cli("train", *BASE, "--surgery", "10:1:4:kill", "30:1:4:revive", "--save", path)
    assert code == 0, err
    spec = tmp_path / "spec.toml"
    code, out, _ = cli("info", path, "--json")
    first = json.loads(out)
    import tomli_w

    spec.write_text(tomli_w.dumps(first["spec"]))
    again = str(tmp_path / "b.safetensors")
    code, _, err = cli("train", str(spec), "--save", again)
    assert code == 0, err
    code, out, _ = cli("info", again, "--json")
    assert json.loads(out)["weights_sha256"] == first["weights_sha256"]
    assert first["surgery"]["killed"] == []  # revived


@pytest.mark.parametrize(
    "entry,words",
    [
        ("20:1:9:kill", "hidden layer 1 has 6 units"),
        ("20:2:1:kill", "the network has 1 hidden layers"),
        ("20:1:1:chop", "unknown action 'chop'"),
        ("20:1:1:bias", "bias needs =VALUE"),
        ("20:1:1", "use STEP:LAYER:UNIT:ACTION"),
    ],
)
def test_bad_entries_exit_2_naming_the_entry(cli, tmp_path, entry, words) -> None:
    path = tmp_path / "never.safetensors"
    code, out, err = cli("train", *BASE, "--surgery", entry, "--save", str(path))
    assert code == 2
    assert entry in err and words in err and "training.surgery" in err
    assert len(err.strip().splitlines()) == 1
    assert not path.exists()


def test_the_compiled_kernel_falls_back_for_surgery_saying_so(cli) -> None:
    code, _, err = cli("train", *BASE, "--kernel", "compiled", "--surgery", "0:1:1:freeze")
    assert code == 0, err
    assert "kernel compiled: exact (neuron surgery runs on the exact kernel)" in err
