"""``torchplay sweep --search random|tpe``: seeded trials trained as a grid's members,
the same rows and JSON, a ``[sweep]`` table that holds a search, and bad spaces refused."""

from __future__ import annotations

import json
import sys

import pytest

SPIRAL = ["classification", "--dataset", "spiral", "--samples", "120", "--steps", "20"]
SPACE = ["--space", "training.lr=1e-3:1:log", "--space", "model.activation=relu,tanh"]


def search(cli, *args: str) -> dict:
    code, out, err = cli("sweep", *SPIRAL, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_random_search_end_to_end_rows_are_members_trained_as_their_single_runs(cli) -> None:
    got = search(cli, "--search", "random", "--trials", "4", *SPACE, "--search-seed", "7")
    again = search(cli, "--search", "random", "--trials", "4", *SPACE, "--search-seed", "7")
    runs = got["runs"]
    assert [r["index"] for r in runs] == [0, 1, 2, 3]
    assert all(list(r["overrides"]) == ["training.lr", "model.activation"] for r in runs)
    assert all(r["step"] == 20 and r["train_loss"] is not None for r in runs)
    assert got["search"]["method"] == "random" and got["search"]["seed"] == 7
    assert [(r["overrides"], r["weights_sha256"]) for r in runs] == [
        (r["overrides"], r["weights_sha256"]) for r in again["runs"]
    ]
    other = search(cli, "--search", "random", "--trials", "4", *SPACE, "--search-seed", "8")
    assert [r["overrides"] for r in other["runs"]] != [r["overrides"] for r in runs]
    first = runs[0]["overrides"]
    code, out, err = cli(
        "train", *SPIRAL, "--lr", repr(first["training.lr"]),
        "--activation", first["model.activation"], "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["weights_sha256"] == runs[0]["weights_sha256"]


def test_tpe_with_a_seed_gives_the_same_trials_and_weights_twice(cli) -> None:
    args = ["--search", "tpe", "--trials", "6", "--parallel", "3", *SPACE, "--search-seed", "2"]
    a, b = search(cli, *args), search(cli, *args)
    assert len(a["runs"]) == 6 and a["search"]["parallel"] == 3
    assert [(r["overrides"], r["weights_sha256"]) for r in a["runs"]] == [
        (r["overrides"], r["weights_sha256"]) for r in b["runs"]
    ]


def test_the_table_shows_each_sampled_key_and_the_summary_the_seed(cli) -> None:
    code, out, err = cli(
        "sweep", *SPIRAL, "--search", "random", "--trials", "3", *SPACE,
        "--space", "training.batch_size=4:32:log", "--search-seed", "1",
    )  # fmt: skip
    assert code == 0, err
    assert "training.lr" in out and "model.activation" in out and "training.batch_size" in out
    assert "3 trials, 0 diverged" in out and "random search, seed 1" in out


def test_a_toml_sweep_table_holds_the_space_and_the_search(cli, tmp_path) -> None:
    path = tmp_path / "search.toml"
    path.write_text(
        'scenario = "classification"\n[data]\ndataset = "spiral"\nsamples = 120\n'
        '[training]\nsteps = 20\n[sweep]\nsearch = "random"\ntrials = 3\nsearch_seed = 4\n'
        '[sweep.space]\n"training.lr" = "1e-3:1:log"\n"model.activation" = ["relu", "tanh"]\n'
    )
    code, out, err = cli("sweep", str(path), "--json")
    assert code == 0, err
    from_file = json.loads(out)
    flags = search(cli, "--search", "random", "--trials", "3", *SPACE, "--search-seed", "4")
    assert [r["weights_sha256"] for r in from_file["runs"]] == [
        r["weights_sha256"] for r in flags["runs"]
    ]
    # the command line wins key by key: a --space for a table key replaces it
    code, out, err = cli("sweep", str(path), "--space", "model.activation=sigmoid", "--json")
    assert code == 0, err
    assert {r["overrides"]["model.activation"] for r in json.loads(out)["runs"]} == {"sigmoid"}


def test_tpe_without_optuna_says_how_to_install_it(cli, monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)  # import optuna raises ImportError
    code, out, err = cli("sweep", *SPIRAL, "--search", "tpe", *SPACE, "--out", str(tmp_path / "o"))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "pip install 'torchplay[optuna]'" in err and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--space", "training.lx=0:1"], ["training.lx", "unknown key"]),
        (["--space", "training.lr=1:0.1"], ["training.lr", "must be below"]),
        (["--space", "training.lr=0:1:log"], ["training.lr", "lo > 0"]),
        (["--space", "training.lr=x:1"], ["training.lr", "'x' is not a number"]),
        (["--space", "training.l2=0:0.01", "--trials", "0"], ["--trials 0"]),
        (["--space", "training.l2=0:0.01", "--parallel", "0"], ["--parallel 0"]),
        (
            ["--space", "training.lr=0.1:1", "--space", "training.lr=0.2:1"],
            ["training.lr", "twice"],
        ),
        ([], ["--search random", "--space"]),
        (["--space", "training.lr=0.1:1", "--grid", "data.seed=1,2"], ["--grid data.seed"]),
        (["--space", "training.lr=0.1:1", "--backend", "ray"], ["--backend ray"]),
    ],
)
def test_bad_searches_exit_2_with_one_line_naming_the_key(cli, tmp_path, args, words) -> None:
    out_dir = tmp_path / "never"
    code, out, err = cli("sweep", *SPIRAL, "--search", "random", *args, "--out", str(out_dir))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert all(w in err for w in words), err
    assert not out_dir.exists()


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--space", "training.lr=0.1:1"], "--space"),
        (["--trials", "4"], "--trials"),
        (["--search-seed", "1"], "--search-seed"),
    ],
)
def test_search_options_without_a_search_are_refused(cli, args, word) -> None:
    code, out, err = cli("sweep", *SPIRAL, *args)
    assert code == 2 and out == "" and word in err and "--search random" in err


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('search = "grid"\n', ["[sweep] search = 'grid'", "'random' or 'tpe'"]),
        ('search = "random"\n"training.lr" = [0.1, 0.2]\n', ["training.lr", "[sweep.space]"]),
        ('search = "random"\ntrials = "many"\n[sweep.space]\n"training.lr" = "0.1:1"\n',
         ["trials 'many'"]),
        ('search = "random"\n[sweep.space]\n"training.lr" = "1:0.1"\n',
         ["[sweep] space training.lr", "below"]),
        ('trials = 4\n', ["[sweep] trials", "--search random"]),
    ],
)  # fmt: skip
def test_bad_search_tables_name_the_file_and_key(cli, tmp_path, table, words) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('scenario = "regression"\n[training]\nsteps = 10\n[sweep]\n' + table)
    code, out, err = cli("sweep", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert all(w in err for w in words), err
