"""After a divergence, space offers to go back to the last snapshot whose loss was sane,
with a lower lr (issue 22 friction 4: "lower lr" alone went on from weights whose loss
was 6.6e+23). Pilot with the real engine, keys and clicks only; and the engine's pick."""

from __future__ import annotations

import math

from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.train.rescue import sane_step
from torchplay.engine.train.trainer import Trainer
from torchplay.tui.app.actions.rescue import RescueDialog
from torchplay.tui.app.app import PlaygroundApp

from tests.tui.helpers import on_screen, wait_for


async def type_lr(pilot, text: str) -> None:
    """Click the lr field, clear it and type ``text``, as a person does."""
    await pilot.click("#lr")
    await pilot.press("end", *["backspace"] * 12, *text)
    await pilot.press("escape")


async def test_space_after_a_divergence_goes_back_to_a_sane_snapshot(tmp_path) -> None:
    source = tmp_path / "short.toml"
    source.write_text('scenario = "regression"\n[training]\nsteps = 300\n')
    app = PlaygroundApp(str(source), in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "finished")
        good = app.last.train_loss
        await type_lr(pilot, "3")
        await wait_for(pilot, lambda: app.spec.training.lr == 3.0)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "diverged", 60)
        kept = app.last.train_loss
        assert not kept < 100 * good  # the weights kept are far gone already
        await pilot.press("space")
        await wait_for(pilot, lambda: on_screen(app, RescueDialog))
        question = app.screen.question
        assert "lr 3)" in question and "train on at lr 0.3?" in question
        await pilot.press("y")
        await wait_for(pilot, lambda: app.state == "finished" and app.last.lr == 0.3, 60)
        assert app.spec.training.lr == 0.3
        assert app.last.train_loss < 4 * good  # sane again, and trained on from there
        assert app.lineage.pinned == ""  # the diverged run is gone, not a baseline


async def test_escape_leaves_the_diverged_run_as_it_is() -> None:
    app = PlaygroundApp(in_process=True, show_rate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.run_info is not None, 60)
        await type_lr(pilot, "100")
        await wait_for(pilot, lambda: app.spec.training.lr == 100.0)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.state == "diverged", 60)
        step = app.last.step
        await pilot.press("space")
        await wait_for(pilot, lambda: on_screen(app, RescueDialog))
        assert "train on at lr 10?" in app.screen.question
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RescueDialog))
        assert app.state == "diverged" and app.last.step == step


def test_the_sane_snapshot_is_the_newest_before_the_loss_ran_away() -> None:
    trainer = Trainer(get_scenario("regression").with_overrides({"training.steps": 300}))
    trainer.run()
    trainer.set_lr(3.0)
    trainer.run(steps=300)
    assert trainer.state == "diverged"
    snaps = trainer.snapshots.items
    step = sane_step(trainer.snapshots)
    steps = [s.step for s in snaps]
    losses = {s.step: s.loss for s in snaps}
    best = min(v for v in losses.values() if v is not None)
    # A snapshot's loss is its step's report: that of the weights one step before. The
    # newest sane report is the snapshot after the one chosen, whose weights are older.
    after = steps[steps.index(step) + 1]
    assert 250 <= step <= 330 and losses[step] <= 4 * best and losses[after] <= 4 * best
    later = [s.loss for s in snaps if s.step > after]
    assert later and all(not math.isfinite(v) or v > 4 * best for v in later)


def test_a_run_diverging_from_its_first_step_goes_back_to_its_initial_weights() -> None:
    """At lr 3 step 1 reports the initial weights' sane loss (0.663), but its own weights
    are already ruined (step 2 reports 420): back to step 0, where lr 0.3 fits (R² 0.93;
    from step 1 the fit stays flat, R² 0)."""
    from torchplay.engine.train.lineage import fork

    trainer = Trainer(get_scenario("regression").with_overrides({"training.lr": 3.0}))
    trainer.run()
    assert trainer.state == "diverged" and trainer.snapshots.steps[:2] == [0, 1]
    assert sane_step(trainer.snapshots) == 0
    child = fork(trainer, 0, trainer.spec.with_overrides({"training.lr": 0.3}))
    assert child.run().r2 > 0.9
