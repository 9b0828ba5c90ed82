"""Pilot helpers shared by the app tests."""

from __future__ import annotations


async def wait_for(pilot, predicate, seconds: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (the engine answers asynchronously)."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting")


def status(app) -> str:
    return str(app.query_one("#status").render())


def long_run(folder, scenario: str = "save-restore", steps: int = 10**7) -> str:
    """A TOML SOURCE: ``scenario`` with ``steps`` steps, so that a run the test pauses or
    steps cannot finish first (save-restore's 50,000 steps take ~4 s on a quiet machine)."""
    path = folder / "long.toml"
    path.write_text(f'scenario = "{scenario}"\n[training]\nsteps = {steps}\n')
    return str(path)


def toasts(app) -> str:
    """The text of every notification on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


def saved_runs(folder, scenario: str, runs: dict[str, int]) -> list[str]:
    """Checkpoints of ``scenario`` trained for ``runs[name]`` steps, as ``folder/name.safetensors``."""
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.scenarios import get_scenario
    from torchplay.engine.train.trainer import Trainer

    paths = []
    for name, steps in runs.items():
        trainer = Trainer(get_scenario(scenario))
        trainer.run(steps=steps)
        paths.append(str(folder / f"{name}.safetensors"))
        checkpoint.save(trainer, paths[-1])
    return paths
