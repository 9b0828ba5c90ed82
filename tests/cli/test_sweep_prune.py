"""``torchplay sweep --prune`` / ``--pbt`` as a contract: the rows, the files, bad options."""

from __future__ import annotations

import json

import pytest

LRS = ["--grid", "training.lr=0.02,0.05,0.1,0.2,0.4,0.8,1.6,3.2", "--steps", "60"]


def test_pruned_rows_say_where_they_stopped_and_survivors_match_the_plain_sweep(cli) -> None:
    code, out, err = cli("sweep", "classification", *LRS, "--prune", "halving",
                         "--prune-every", "10", "--json")  # fmt: skip
    assert code == 0, err
    res = json.loads(out)
    assert res["plan"] == "halving every 10"
    runs = res["runs"]
    assert sorted(r["pruned_at"] for r in runs if r["pruned"]) == [10] * 4 + [20] * 2 + [40]
    for r in runs:
        assert r["step"] == (r["pruned_at"] if r["pruned"] else 60)
    code, plain, _ = cli("sweep", "classification", *LRS, "--json")
    assert code == 0
    full = json.loads(plain)["runs"]
    (winner,) = [r for r in runs if not r["pruned"]]
    assert winner["weights_sha256"] == full[winner["index"]]["weights_sha256"]
    assert all(not r["pruned"] and r["pruned_at"] is None for r in full)
    assert "plan" not in json.loads(plain)


def test_the_table_says_pruned_at_and_ranks_pruned_rows_after_the_rest(cli) -> None:
    code, out, err = cli("sweep", "classification", *LRS, "--prune", "median",
                         "--prune-every", "20")  # fmt: skip
    assert code == 0, err
    rows = [line for line in out.splitlines() if "pruned at" in line or "finished" in line]
    assert any("pruned at 20" in r for r in rows)
    first_pruned = next(i for i, r in enumerate(rows) if "pruned at" in r)
    assert all("pruned at" in r for r in rows[first_pruned:]), out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--prune", "median", "--prune-every", "0"], "--prune-every 0: give a step count"),
        (["--pbt", "--pbt-quantile", "0.7"], "--pbt-quantile 0.7: give a share above 0"),
        (["--pbt", "--pbt-every", "0"], "--pbt-every 0: give a step count"),
        (["--pbt-every", "5"], "--pbt-every and --pbt-quantile need --pbt"),
        (["--prune", "median", "--pbt"], "PBT replaces its weak members, pick one"),
        (["--prune", "median", "--backend", "ray"], "--prune trains in this process"),
    ],
)
def test_bad_options_exit_2_with_one_line(cli, args, says, tmp_path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = cli("sweep", "classification", "--grid", "training.lr=0.1,0.2",
                         *args, "--out", str(out_dir))  # fmt: skip
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert not out_dir.exists()


def test_pruning_a_sweep_of_one_member_is_refused(cli) -> None:
    code, _, err = cli("sweep", "classification", "--grid", "training.lr=0.1", "--prune", "median")
    assert code == 2
    assert "--prune median: a sweep of 1 member has no peers to compare with" in err


def test_a_pbt_winner_replays_headless_from_its_checkpoint(cli, tmp_path) -> None:
    out = tmp_path / "pbt"
    code, text, err = cli("sweep", "classification", *LRS, "--optimizer", "adam", "--pbt",
                          "--pbt-every", "20", "--out", str(out), "--json")  # fmt: skip
    assert code == 0, err
    res = json.loads(text)
    assert res["plan"] == "pbt every 20 quantile 0.25"
    forked = [r for r in res["runs"] if r["forks"]]
    assert forked and all(r["pruned"] is False for r in res["runs"])
    winner = min(forked, key=lambda r: r["train_loss"])
    code, string, err = cli("share", winner["checkpoint"])
    assert code == 0, err
    code, verdict, err = cli("open", string.strip(), "--json")
    assert code == 0, err
    verdict = json.loads(verdict)
    assert verdict["verified"] and verdict["weights_sha256"] == winner["weights_sha256"]
    assert verdict["forks"] == [f["step"] for f in winner["forks"]]
