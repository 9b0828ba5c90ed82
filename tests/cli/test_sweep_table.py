"""A spec file's ``[sweep]`` table: the grid of ``torchplay sweep FILE.toml``, with
``--grid`` adding keys or replacing the table's values; other commands ignore it."""

from __future__ import annotations

import json

import pytest

SPEC = 'scenario = "regression"\n[training]\nsteps = 30\n'


def write(tmp_path, table: str) -> str:
    path = tmp_path / "grid.toml"
    path.write_text(SPEC + "[sweep]\n" + table)
    return str(path)


def runs(cli, *args: str) -> list[dict]:
    code, out, err = cli("sweep", *args, "--json")
    assert code == 0, err
    return json.loads(out)["runs"]


def test_table_is_the_grid_lists_and_grid_strings_alike(cli, tmp_path) -> None:
    path = write(tmp_path, '"training.lr" = [0.05, 0.1]\n"data.seed" = "1..2"\n')
    got = runs(cli, path)
    want = runs(cli, path, "--grid", "training.lr=0.05,0.1", "--grid", "data.seed=1,2")
    plain = runs(cli, "regression", "--steps", "30", "--grid", "training.lr=0.05,0.1",
                 "--grid", "data.seed=1..2")  # fmt: skip
    assert [r["overrides"] for r in got] == [
        {"training.lr": lr, "data.seed": seed} for lr in (0.05, 0.1) for seed in (1, 2)
    ]
    for a, b, c in zip(got, want, plain, strict=True):
        assert a["weights_sha256"] == b["weights_sha256"] == c["weights_sha256"]


def test_grid_replaces_a_table_key_and_adds_others_after(cli, tmp_path) -> None:
    # Unquoted dotted keys (a nested table to TOML) and hidden widths as lists work too.
    path = write(tmp_path, 'training.lr = [0.05, 0.1]\n"model.hidden" = [[4], [4, 4]]\n')
    got = runs(cli, path, "--grid", "training.lr=0.2", "--grid", "data.seed=3,4")
    assert [list(r["overrides"]) for r in got] == [["training.lr", "model.hidden", "data.seed"]] * 4
    assert {r["overrides"]["training.lr"] for r in got} == {0.2}
    assert [r["overrides"]["model.hidden"] for r in got] == [[4], [4], [4, 4], [4, 4]]


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('"training.lx" = [1, 2]\n', ["[sweep] training.lx", "unknown key"]),
        ('"training.lr" = [0.1, "fast"]\n', ["[sweep] training.lr", "'fast'"]),
        ('"training.lr" = []\n', ["[sweep] training.lr", "empty list"]),
        ('"data.seed" = "4..1"\n', ["[sweep] data.seed", "empty"]),
        ('"training.lr" = [{ a = 1 }]\n', ["[sweep] training.lr", "not a list"]),
        ('"training.lr" = { a = 1 }\n', ["[sweep] training.lr", "not a list"]),
        ("", ["[sweep] has no keys", "--grid training.lr="]),
        ('"training.lr" = [-1.0]\n', ["[sweep] training.lr", "-1.0"]),
    ],
)
def test_bad_tables_exit_2_with_one_line_naming_the_key(cli, tmp_path, table, words) -> None:
    out_dir = tmp_path / "never"
    code, out, err = cli("sweep", write(tmp_path, table), "--out", str(out_dir))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert all(w in err for w in words), err
    assert "grid.toml" in err and not out_dir.exists()


def test_sweep_that_is_not_a_table_is_refused(cli, tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SPEC.replace("[training]", "sweep = 3\n[training]"))
    code, out, err = cli("sweep", str(path))
    assert code == 2 and out == "" and "sweep = 3: must be a table" in err


def test_train_ignores_the_table(cli, tmp_path) -> None:
    with_table = write(tmp_path, '"training.lr" = [0.05, 0.1]\n')
    without = tmp_path / "plain.toml"
    without.write_text(SPEC)
    code, out, err = cli("train", with_table, "--json")
    code2, out2, _ = cli("train", str(without), "--json")
    assert code == code2 == 0 and err == ""
    assert json.loads(out)["weights_sha256"] == json.loads(out2)["weights_sha256"]


def test_the_table_and_heatmap_write_values_as_the_grid_does(cli, tmp_path) -> None:
    path = write(tmp_path, '"model.activation" = ["tanh", "relu"]\n"model.hidden" = [[4], []]\n')
    code, out, err = cli("sweep", path, "--plot")
    assert code == 0, err
    rows = [ln.split() for ln in out.splitlines() if ln.strip()[:1].isdigit() and "finished" in ln]
    assert {(r[1], r[2]) for r in rows} == {(a, h) for a in ("tanh", "relu") for h in ("4", "none")}
    assert '"' not in out
    heat = out[out.index("final loss by") :].splitlines()
    assert heat[1].split() == ["tanh", "relu"] and [ln.split()[0] for ln in heat[2:]] == [
        "4",
        "none",
    ]
