"""The app's sweep on Ray (the sweep screen's address ``local``): the engine's ``sweep``
command sends the grid through Ray Tune, its events end with the losses and diverged
flags of the same grid trained in the engine, and a member opens from its checkpoint.

The engine runs in a real ``python`` process (as the app's engine does), on a local Ray.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

from tests.ray.cluster import ray_env

SCRIPT = """
import json, multiprocessing, threading
from torchplay.engine.process import commands as c
from torchplay.engine.process import events as ev
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.process.worker import Engine

if __name__ == "__main__":
    ours, theirs = multiprocessing.Pipe()
    got = []

    def read():
        while not got or got[-1] != "end":
            got.append(ours.recv())

    reader = threading.Thread(target=read)
    reader.start()
    engine = Engine(theirs)
    spec = get_scenario("regression").with_overrides({"training.steps": 60})
    grid = ("training.lr=0.1,1000", "data.seed=1,2")
    engine.dispatch(c.Sweep(spec, grid, "local"))
    engine.dispatch(c.OpenMember(1))  # from the checkpoint its Ray trial sent back
    engine.dispatch(c.Sweep(spec, grid, ""))
    theirs.send("end")
    reader.join(60)
    started = [(i, e.where) for i, e in enumerate(got) if isinstance(e, ev.SweepStarted)]
    here = next(i for i, where in started if where == "this machine")
    steps = [(i, e) for i, e in enumerate(got) if isinstance(e, ev.SweepStepsCompleted)]
    ray = [e for i, e in steps if i < here][-1]
    local = [e for i, e in steps if i > here][-1]
    failed = [e.message for e in got if isinstance(e, ev.CommandFailed)]
    loaded = next(e for e in got if isinstance(e, ev.RunLoaded))
    print(json.dumps({
        "where": [w for _, w in started], "failed": failed,
        "ray": [ray.state, ray.states, ray.losses, ray.steps],
        "local": [local.state, local.states, local.losses, local.steps],
        "loaded": [loaded.source, loaded.step, loaded.spec.training.lr,
                   loaded.spec.data.seed],
    }))
"""


def test_the_app_sweep_on_a_local_ray_gives_the_engines_rows(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=ray_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["failed"] == []
    assert got["where"][0] == "Ray at local" and got["where"][1].startswith("Ray cluster")
    (ray_state, ray_states, ray_losses, ray_steps) = got["ray"]
    (state, states, losses, steps) = got["local"]
    assert ray_state == state == "finished"
    assert ray_states == states == ["finished", "finished", "diverged", "diverged"]
    assert ray_steps == steps
    for a, b in zip(ray_losses[:2], losses[:2], strict=True):
        assert math.isclose(a, b, rel_tol=1e-5), (a, b)
    # Enter on lr 0.1, seed 2: that member, from the checkpoint its Ray trial sent back.
    assert got["loaded"] == ["sweep member 1", 60, 0.1, 2]
